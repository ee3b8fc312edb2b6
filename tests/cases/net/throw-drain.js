// A `drain` listener that throws, handled by uncaughtException. The queue drains
// when the socket becomes writable, so `drain` runs from the poll phase, and the
// ticks and promise it queued run before the immediate it queued: the drain it
// cut short is owed at the latest when the check phase starts. The client writes
// once both ends exist; the server reads only once the client's write said false.
const net = require('net');
process.on('uncaughtException', (e) => console.log('caught ' + e.message));
const chunk = Buffer.alloc(64 * 1024, 120);
let peer;
let client;
let arrived = 0;
const both = () => {
  arrived += 1;
  if (arrived < 2) return;
  let ok = true;
  let sent = 0;
  while (ok && sent < 64 * 1024 * 1024) {
    ok = client.write(chunk);
    sent += chunk.length;
  }
  console.log('write returned ' + ok);
  client.on('drain', () => {
    console.log('drain');
    setImmediate(() => console.log('immediate queued by drain'));
    process.nextTick(() => console.log('tick queued by drain'));
    Promise.resolve().then(() => console.log('promise queued by drain'));
    client.end();
    throw new Error('from drain');
  });
  peer.resume();
};
const server = net.createServer((sock) => {
  sock.pause();
  peer = sock;
  sock.on('end', () => server.close(() => console.log('server closed')));
  both();
});
server.listen(0, '127.0.0.1', () => {
  client = net.connect(server.address().port, '127.0.0.1');
  client.on('connect', both);
});
