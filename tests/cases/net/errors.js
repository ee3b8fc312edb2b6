const net = require('net');

function show(e, port) {
  const m = e.message.replace(`${port}`, 'PORT');
  const p = e.port === undefined ? '-' : e.port == port ? 'PORT' : `${e.port}`;
  return `${e.code} syscall=${e.syscall} address=${e.address ?? ''} port=${p} errno=${e.errno ?? ''} | ${m}`;
}

for (const f of [() => net.createServer().listen(70000), () => net.connect(-1), () => net.connect(), () => net.createServer().listen(1.5)]) {
  try { f(); } catch (e) { console.log(`throws ${e.name} ${e.code}: ${e.message}`); }
}

const lastStep = () => {
  const s = net.createServer();
  s.listen(0);
  s.unref();
  console.log(`unref'd server listening: ${s.listening}`);
};

const unixStep = () => {
  const c = net.connect('/nonexistent-procbox-dir/x.sock');
  c.on('error', (e) => {
    console.log(`unix connect: ${show(e, 0)}`);
    const s = net.createServer();
    s.on('error', (e) => {
      console.log(`unix listen: ${show(e, 0)}`);
      net.createServer().close((err) => {
        console.log(`close when not running: ${err.code}: ${err.message}`);
        const w = net.connect(1, '127.0.0.1');
        w.end();
        w.write('late', (err) => console.log(`write after end cb: ${err.code}`));
        w.on('error', (err) => console.log(`write after end error event: ${err.code}`));
        w.on('close', (hadError) => {
          console.log(`socket close had_error=${hadError}`);
          lastStep();
        });
      });
    });
    s.listen('/nonexistent-procbox-dir/x.sock');
  });
};

const a = net.createServer();
a.listen(0, '127.0.0.1', () => {
  const port = a.address().port;
  const b = net.createServer();
  b.on('error', (e) => {
    console.log(`second listen: ${show(e, port)}`);
    try { a.listen(0); } catch (e) { console.log(`listen twice throws ${e.code}: ${e.message}`); }
    a.close(() => {
      const c = net.connect(port, '127.0.0.1');
      c.on('error', (e) => console.log(`connect: ${show(e, port)}`));
      c.on('close', (hadError) => {
        console.log(`connect close had_error=${hadError}`);
        unixStep();
      });
    });
  });
  b.listen({ port, host: '127.0.0.1' });
  console.log(`second server listening right after listen(): ${b.listening}`);
});
process.on('exit', (code) => console.log(`exit ${code}`));
