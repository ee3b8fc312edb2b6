const http = require('http');
const net = require('net');
const { exec } = require('child_process');
let connections = 0;
const server = http.createServer((req, res) => {
  console.log(`request ${req.method} ${req.url} HTTP/${req.httpVersion} host=${req.headers.host !== undefined} conn#${connections}`);
  if (req.url === '/a') {
    res.setHeader('X-Foo', 'bar');
    res.end('hello a\n');
  } else if (req.url === '/b') {
    res.writeHead(201, { 'Content-Type': 'text/plain' });
    res.write('part1 ');
    res.end('part2\n');
  } else if (req.url === '/missing') {
    res.statusCode = 404;
    res.end();
  } else if (req.url === '/echo') {
    let body = '';
    req.on('data', (d) => body += d.toString());
    req.on('end', () => {
      res.setHeader('Content-Type', 'text/plain');
      res.end(`${req.method} got ${body.length} bytes: ${body} (te=${req.headers['transfer-encoding'] ?? 'none'})` + '\n');
    });
  } else {
    res.writeHead(500);
    res.end();
  }
});
server.on('connection', (sock) => connections += 1);

function show(out) {
  const lines = [];
  for (const line of out.split('\n')) {
    let l = line.replace('\r', '');
    if (l.startsWith('Date: ')) l = 'Date: <DATE>';
    lines.push(`  ${l}`);
  }
  lines.pop();
  return lines.join('\n');
}

function run(runs, step, srv, counter) {
  if (step === runs.length) {
    const front = net.createServer((sock) => srv.emit('connection', sock));
    front.listen(0, '127.0.0.1', () => {
      exec(`curl -s http://127.0.0.1:${front.address().port}/a`, (err, out, errout) => {
        console.log(`via emit("connection"): ${out.trim()}`);
        front.close();
        srv.close(() => console.log(`closed after ${counter()} connections`));
      });
    });
    return;
  }
  exec(runs[step], (err, out, errout) => {
    console.log(`$ curl #${step + 1}`);
    console.log(show(out));
    run(runs, step + 1, srv, counter);
  });
}

server.listen(0, '127.0.0.1', () => {
  const base = `http://127.0.0.1:${server.address().port}`;
  const runs = [
    `curl -s -i -w "[connects %{num_connects}]\\n" ${base}/a ${base}/b ${base}/missing`,
    `curl -s -i -H "Connection: close" --data-binary "hello body" ${base}/echo`,
    `curl -s -H "Transfer-Encoding: chunked" --data-binary "chunky" ${base}/echo`,
    `curl -s -I ${base}/a`,
    `curl -s -i -0 ${base}/a`,
  ];
  run(runs, 0, server, () => connections);
});
