// A `close` listener that throws, handled by uncaughtException: two sockets destroyed
// together close in the same close phase, and the ticks the first listener queued
// wait until the second socket's `close` ran (Node skips the drain after a callback
// that threw).
const net = require('net');
process.on('uncaughtException', (e) => console.log('caught ' + e.message));
let closes = 0;
const server = net.createServer((peer) => peer.resume());
const onClose = () => {
  closes += 1;
  console.log('close ' + closes);
  if (closes === 1) {
    process.nextTick(() => console.log('tick queued by close 1'));
    Promise.resolve().then(() => console.log('promise queued by close 1'));
    throw new Error('from close 1');
  }
  server.close();
};
server.listen(0, '127.0.0.1', () => {
  const port = server.address().port;
  const a = net.connect(port, '127.0.0.1');
  const b = net.connect(port, '127.0.0.1');
  let connected = 0;
  const both = () => {
    connected += 1;
    if (connected < 2) return;
    a.on('close', onClose);
    b.on('close', onClose);
    a.destroy();
    b.destroy();
    process.nextTick(() => console.log('tick queued with destroy'));
  };
  a.on('connect', both);
  b.on('connect', both);
});
