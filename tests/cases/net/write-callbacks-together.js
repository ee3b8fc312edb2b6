// Writes that complete together run their callbacks together: queued behind a full
// kernel buffer, two small writes go out once the reader resumes, and a tick the
// first callback queued runs after the second callback (Node's afterWrite calls a
// flush's callbacks in one callback scope; procbox's stream delivers a flush's
// completions, then drains once).
const net = require('net');
const chunk = Buffer.alloc(64 * 1024, 120);
let peer;
let client;
let arrived = 0;
const both = () => {
  arrived += 1;
  if (arrived < 2) return;
  let ok = true;
  let sent = 0;
  while (ok && sent < 64 * 1024 * 1024) {
    ok = client.write(chunk);
    sent += chunk.length;
  }
  client.write('a', () => {
    console.log('callback a');
    process.nextTick(() => console.log('tick queued by callback a'));
  });
  client.write('b', () => {
    console.log('callback b');
    client.end();
  });
  peer.resume();
};
const server = net.createServer((sock) => {
  sock.pause();
  peer = sock;
  sock.on('end', () => server.close(() => console.log('server closed')));
  both();
});
server.listen(0, '127.0.0.1', () => {
  client = net.connect(server.address().port, '127.0.0.1');
  client.on('connect', both);
});
