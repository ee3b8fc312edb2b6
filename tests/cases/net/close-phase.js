const net = require('net');
const server = net.createServer();
server.listen(0, () => {
  const sock = net.connect(server.address().port);
  sock.on('connect', () => {
    sock.on('close', () => console.log('socket close'));
    sock.destroy();
    setTimeout(() => console.log('timeout 0'), 0);
    setImmediate(() => console.log('immediate'));
    process.nextTick(() => console.log('nextTick'));
    server.close();
  });
});
