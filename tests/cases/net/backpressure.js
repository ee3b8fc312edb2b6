const net = require('net');
const chunk = Buffer.alloc(64 * 1024, 120);
const peer = [];
const client = [];
let received = 0;
let sent = 0;

const start = () => {
  const me = client[0];
  let ok = true;
  while (ok && sent < 64 * 1024 * 1024) {
    ok = me.write(chunk);
    sent += chunk.length;
  }
  console.log(`client: write returned ${ok}, queued above the mark: ${me.writableLength >= 16384}`);
  me.on('drain', () => {
    console.log(`client: drain, queue empty: ${me.writableLength == 0}`);
    me.end(() => console.log(`client: finish, all written: ${me.bytesWritten == sent}`));
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
    server.close(() => console.log('server closed'));
  });
  both();
});
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1');
  client.push(c);
  c.on('connect', () => both());
});
