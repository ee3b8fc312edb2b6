// Case: fork() IPC in the default 'json' serialization (the reference case; the sent
// object uses keys in sorted order and leaves out undefined/Date/Map, which Rhai lacks).
// Part 1: round trip with a forked copy of this file; JSON.stringify lossiness; the
//         child's env has no NODE_CHANNEL_FD; event order message -> disconnect -> exit -> close.
// Part 2: the wire format. A child started with an 'ipc' stdio slot but with the
//         NODE_CHANNEL_* variables unset (so it does not claim fd 3) reads the raw bytes:
//         one JSON text per message, terminated by "\n"; it answers with raw lines,
//         including one split across two writes and an internal NODE_* message.
const { fork, spawn } = require('child_process');
const net = require('net');
const role = process.argv[2];

if (role === 'child') {
  process.on('message', (m) => {
    if (m === 'quit') { process.exitCode = 3; process.disconnect(); return; }
    process.send({ echo: m, env_fd: process.env.NODE_CHANNEL_FD === undefined ? 'deleted' : 'present' });
  });
  process.on('disconnect', () => console.log('child: disconnect'));
} else if (role === 'raw') {
  const s = new net.Socket({ fd: 3, readable: true, writable: true });
  let buf = '';
  s.on('data', (d) => {
    buf += d;
    if (buf.split('\n').length < 3) return;
    console.log(`raw child: bytes on fd 3 = ${JSON.stringify(buf)}`);
    s.write('{"from":"raw","n":1}\n"split ');
    setTimeout(() => s.end('message"\n{"cmd":"NODE_X_INTERNAL"}\n{"cmd":"NODE_"}\n'), 50);
  });
} else {
  const ev = [];
  const c = fork(__filename, ['child']);
  console.log(`parent: connected=${c.connected} stdio=${JSON.stringify(c.stdio)}`);
  c.on('message', (m) => {
    console.log(`parent got: ${JSON.stringify(m)}`);
    ev.push('message');
    c.send('quit');
  });
  c.on('disconnect', () => ev.push('disconnect'));
  c.on('exit', (code, sig) => ev.push(`exit(${code},${sig})`));
  c.on('close', (code, sig) => {
    ev.push(`close(${code},${sig})`);
    console.log(`parent events: ${ev.join(' ')}`);
    part2();
  });
  const sent = c.send({ inf: -Infinity, n: 1, nan: NaN, nested: [null, () => 1] });
  console.log(`send returned ${sent}`);
}

function part2() {
  const c = spawn('sh', ['-c', 'unset NODE_CHANNEL_FD NODE_CHANNEL_SERIALIZATION_MODE; exec "$0" "$1" raw', process.execPath, __filename],
    { stdio: ['inherit', 'inherit', 'inherit', 'ipc'] });
  c.on('message', (m) => console.log(`parent: message ${JSON.stringify(m)}`));
  c.on('internalMessage', (m) => console.log(`parent: internalMessage ${JSON.stringify(m)}`));
  c.on('disconnect', () => console.log('parent: disconnect (peer closed the socket)'));
  c.on('exit', (code) => console.log(`parent: raw child exit ${code}`));
  c.send({ hello: 'wire', list: [1, 'two'] });
  c.send('second');
}
