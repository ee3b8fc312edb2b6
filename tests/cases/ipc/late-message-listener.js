// Case: messages that arrive while nobody listens for 'message' wait for the first
// listener (Node 20 behaviour, both ends). Each side adds its listener only once an
// internal NODE_ message, sent after the plain ones, has arrived: by then the plain
// ones were read and found no listener.
const { fork } = require('child_process');
if (process.argv[2] === 'child') {
  process.channel.ref();
  process.on('internalMessage', (m) => {
    if (m.cmd !== 'NODE_SYNC') return;
    process.on('message', (msg) => {
      console.log(`child: ${JSON.stringify(msg)}`);
      if (msg === 'b') {
        process.send('x');
        process.send('y');
        process.send({ cmd: 'NODE_SYNC' });
      }
    });
  });
} else {
  const c = fork(__filename, ['child']);
  c.send('a');
  c.send('b');
  c.send({ cmd: 'NODE_SYNC' });
  c.on('internalMessage', (m) => {
    if (m.cmd !== 'NODE_SYNC') return;
    c.on('message', (msg) => {
      console.log(`parent: ${JSON.stringify(msg)}`);
      if (msg === 'y') setImmediate(() => c.disconnect());
    });
  });
  c.on('exit', (code) => console.log(`exit ${code}`));
}
