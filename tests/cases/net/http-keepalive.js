const http = require('http');
const net = require('net');
const server = http.createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (d) => body += d);
  req.on('end', () => {
    console.log(`server: ${req.method} ${req.url} body=${body.length}`);
    res.end(`reply to ${req.url}`);
  });
});
server.keepAliveTimeout = 100;
server.listen(0, '127.0.0.1', () => {
  const c = net.connect(server.address().port, '127.0.0.1');
  let got = '';
  c.setEncoding('utf8');
  c.on('connect', () => {
    c.write('GET /one HTTP/1.1\r\nHost: x\r\n\r\nPOST /two HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello');
  });
  c.on('data', (d) => {
    got += d;
    if (got.includes('reply to /two')) {
      for (const line of got.split('\r\n')) {
        if (line.startsWith('HTTP/') || line.startsWith('reply') || line.startsWith('Content-Length')) {
          console.log(`client: ${line}`);
        }
      }
    }
  });
  c.on('end', () => console.log('client: end (the server closed the idle connection)'));
  c.on('close', () => {
    console.log('client: close');
    server.close(() => console.log('server: close'));
  });
});
