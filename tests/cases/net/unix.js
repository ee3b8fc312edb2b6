const net = require('net');
const path = `/tmp/procbox-net-unix-${process.pid}.sock`;
const server = net.createServer((sock) => {
  const s = sock;
  sock.setEncoding('utf8');
  sock.on('data', (d) => {
    console.log(`server: got ${d}`);
    s.end('pong');
  });
});
const srv = server;
server.listen(path, () => {
  console.log(`listening on the path: ${srv.address() == path}`);
  const c = net.connect(path);
  const me = c;
  c.on('connect', () => {
    console.log(`client: connect, remoteAddress undefined: ${me.remoteAddress === undefined}`);
    me.write('ping');
  });
  c.on('data', (d) => console.log(`client: got ${d.toString()}`));
  c.on('end', () => console.log('client: end'));
  c.on('close', () => {
    console.log('client: close');
    srv.close(() => {
      console.log('server closed');
      const again = net.createServer();
      const a = again;
      again.listen(path, () => {
        console.log('listening again on the same path');
        a.close(() => console.log('closed again'));
      });
    });
  });
});
