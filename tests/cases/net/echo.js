const net = require('net');
let srv;
const server = net.createServer((sock) => {
  const s = sock;
  sock.on('data', (d) => {
    console.log(`server: data ${Buffer.isBuffer(d) ? 'Buffer' : typeof d} ${d.toString()} from ${s.remoteAddress} (${s.remoteFamily})`);
    s.write(`echo:${d.toString()}`);
  });
  sock.on('end', () => console.log('server: end'));
  sock.on('close', (hadError) => {
    console.log(`server: socket close ${hadError}`);
    srv.close(() => console.log('server: close cb'));
  });
});
srv = server;
server.on('close', () => console.log('server: close event'));
server.on('listening', () => console.log(`listening: ${srv.listening} ${srv.address().address} ${srv.address().family}`));
server.listen(0, '127.0.0.1', () => {
  console.log('listen cb');
  const port = srv.address().port;
  const c = net.connect(port, '127.0.0.1');
  const me = c;
  c.on('connect', () => {
    console.log(`client: connect ${me.remoteAddress} ${me.remotePort == port} ${me.localAddress}`);
    me.setEncoding('utf8');
    console.log(`client: write returned ${me.write('hi', () => console.log('client: write cb'))}`);
  });
  c.on('ready', () => console.log('client: ready'));
  c.on('data', (d) => {
    console.log(`client: data ${typeof d} ${d}`);
    me.end();
  });
  c.on('end', () => console.log('client: end'));
  c.on('finish', () => console.log('client: finish'));
  c.on('close', (hadError) => console.log(`client: close ${hadError} destroyed=${me.destroyed}`));
});
console.log(`sync: listening ${server.listening}`);
