const net = require('net');
const chunk = Buffer.alloc(64 * 1024, 120);
const peer = [];
const client = [];
let received = 0;
let sent = 0;
let srv;

const start = () => {
  const me = client[0];
  let ok = true;
  while (ok && sent < 64 * 1024 * 1024) {
    ok = me.write(chunk);
    sent += chunk.length;
  }
  console.log(`client: write returned ${ok}, queued above the mark: ${me.writableLength >= 16384}`);
  const c = me;
  me.on('drain', () => {
    console.log(`client: drain, queue empty: ${c.writableLength == 0}`);
    const d = c;
    c.end(() => console.log(`client: finish, all written: ${d.bytesWritten == sent}`));
  });
  peer[0].resume();
};
let arrived = 0;
const both = () => {
  arrived += 1;
  if (arrived == 2) start();
};

const server = net.createServer((sock) => {
  sock.pause();
  peer.push(sock);
  sock.on('data', (d) => received += d.length);
  sock.on('end', () => {
    console.log(`server: received everything that was sent: ${received == sent}`);
    srv.close(() => console.log('server closed'));
  });
  both();
});
srv = server;
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(srv.address().port, '127.0.0.1');
  client.push(c);
  c.on('connect', () => both());
});
