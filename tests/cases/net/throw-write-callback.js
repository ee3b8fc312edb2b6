// A write callback that throws, handled by uncaughtException, cuts its tick drain
// short: the rest waits until after the next macrotask (the second immediate of the
// same check phase). The write goes out at once, so its callback runs on a tick, queued by
// write() itself (Node's afterWriteTick), ahead of the tick queued after it.
const net = require('net');
process.on('uncaughtException', (e) => console.log('caught ' + e.message));
const server = net.createServer((peer) => peer.resume());
server.listen(0, '127.0.0.1', () => {
  const sock = net.connect(server.address().port, '127.0.0.1', () => {
    setImmediate(() => {
      sock.write('x', () => {
        console.log('write callback');
        process.nextTick(() => console.log('tick queued by the callback'));
        throw new Error('from the write callback');
      });
      process.nextTick(() => console.log('tick queued after write'));
      Promise.resolve().then(() => console.log('promise queued after write'));
    });
    setImmediate(() => {
      console.log('second immediate');
      sock.destroy();
      server.close();
    });
  });
});
