const net = require('net');
const server = net.createServer();
const srv = server;
server.listen(0, () => {
  const sock = net.connect(srv.address().port);
  const me = sock;
  sock.on('connect', () => {
    me.on('close', () => console.log('socket close'));
    me.destroy();
    setTimeout(() => console.log('timeout 0'), 0);
    setImmediate(() => console.log('immediate'));
    process.nextTick(() => console.log('nextTick'));
    srv.close();
  });
});
