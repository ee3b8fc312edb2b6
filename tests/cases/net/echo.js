const net = require('net');
const server = net.createServer((sock) => {
  sock.on('data', (d) => {
    console.log(`server: data ${Buffer.isBuffer(d) ? 'Buffer' : typeof d} ${d.toString()} from ${sock.remoteAddress} (${sock.remoteFamily})`);
    sock.write(`echo:${d.toString()}`);
  });
  sock.on('end', () => console.log('server: end'));
  sock.on('close', (hadError) => {
    console.log(`server: socket close ${hadError}`);
    server.close(() => console.log('server: close cb'));
  });
});
server.on('close', () => console.log('server: close event'));
server.on('listening', () => console.log(`listening: ${server.listening} ${server.address().address} ${server.address().family}`));
server.listen(0, '127.0.0.1', () => {
  console.log('listen cb');
  const port = server.address().port;
  const c = net.connect(port, '127.0.0.1');
  c.on('connect', () => {
    console.log(`client: connect ${c.remoteAddress} ${c.remotePort == port} ${c.localAddress}`);
    c.setEncoding('utf8');
    console.log(`client: write returned ${c.write('hi', () => console.log('client: write cb'))}`);
  });
  c.on('ready', () => console.log('client: ready'));
  c.on('data', (d) => {
    console.log(`client: data ${typeof d} ${d}`);
    c.end();
  });
  c.on('end', () => console.log('client: end'));
  c.on('finish', () => console.log('client: finish'));
  c.on('close', (hadError) => console.log(`client: close ${hadError} destroyed=${c.destroyed}`));
});
console.log(`sync: listening ${server.listening}`);
