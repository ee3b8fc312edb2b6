// A `connection` listener that throws, handled by uncaughtException. Two clients
// connect to a Unix socket before the loop starts (a Unix connect() has put the
// connection in the server's queue when it returns). Node accepts one connection per
// readiness report, so the second `connection` comes in the next loop turn, after the
// immediate the first queued; the ticks and promise the first listener queued run
// before that immediate (at the latest when the check phase starts).
const net = require('net');
const path = `/tmp/procbox-throw-connection-${process.pid}.sock`;
process.on('uncaughtException', (e) => console.log('caught ' + e.message));
let n = 0;
const server = net.createServer((sock) => {
  n += 1;
  const k = n;
  console.log('connection ' + k);
  sock.destroy();
  process.nextTick(() => console.log('tick queued by connection ' + k));
  Promise.resolve().then(() => console.log('promise queued by connection ' + k));
  setImmediate(() => console.log('immediate queued by connection ' + k));
  if (k === 1) throw new Error('from connection 1');
  server.close();
});
server.listen(path, () => {
  for (let i = 0; i < 2; i++) net.connect(path).on('error', () => {});
});
