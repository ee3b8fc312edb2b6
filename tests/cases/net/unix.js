const net = require('net');
const path = `/tmp/procbox-net-unix-${process.pid}.sock`;
const server = net.createServer((sock) => {
  sock.setEncoding('utf8');
  sock.on('data', (d) => {
    console.log(`server: got ${d}`);
    sock.end('pong');
  });
});
server.listen(path, () => {
  console.log(`listening on the path: ${server.address() == path}`);
  const c = net.connect(path);
  c.on('connect', () => {
    console.log(`client: connect, remoteAddress undefined: ${c.remoteAddress === undefined}`);
    c.write('ping');
  });
  c.on('data', (d) => console.log(`client: got ${d.toString()}`));
  c.on('end', () => console.log('client: end'));
  c.on('close', () => {
    console.log('client: close');
    server.close(() => {
      console.log('server closed');
      const again = net.createServer();
      again.listen(path, () => {
        console.log('listening again on the same path');
        again.close(() => console.log('closed again'));
      });
    });
  });
});
