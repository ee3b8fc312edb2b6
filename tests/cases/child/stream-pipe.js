// Readable streams: pipe() from a child to another child's stdin and to our stdout,
// pause()/resume() (nothing is delivered while paused), setEncoding() holding back a
// character split across chunks. Children hand-shake over stdin/stderr: no sleeps.
const { spawn } = require('child_process');

function pipes(next) {
  const a = spawn('printf', ['pear\\napple\\nfig\\n']);
  const b = spawn('sort');
  console.log('sorted:');
  a.stdout.pipe(b.stdin);
  b.stdout.pipe(process.stdout);
  b.on('close', (code) => { console.log(`sort close ${code}`); next(); });
}

function pausing(next) {
  const c = spawn('sh', ['-c', 'echo one; read x; echo two; echo ack >&2; read y; echo three']);
  let after = '';
  let paused = false;
  c.stdout.on('data', (d) => {
    if (paused) { after += d; return; }
    console.log(`first: ${JSON.stringify(String(d))}`);
    c.stdout.pause();
    paused = true;
    c.stdin.write('go\n');
  });
  c.stderr.on('data', () => {
    console.log(`ack while paused: isPaused=${c.stdout.isPaused()} delivered=${JSON.stringify(after)}`);
    c.stdout.resume();
    c.stdin.write('go\n');
  });
  c.on('close', (code) => { console.log(`after resume: ${JSON.stringify(after)} close ${code}`); next(); });
}

function decoding(next) {
  const c = spawn('sh', ['-c', 'printf "\\303"; echo ack >&2; read x; printf "\\251\\n"']);
  c.stdout.setEncoding('utf8');
  console.log(`readableEncoding: ${c.stdout.readableEncoding}`);
  c.stdout.on('data', (d) => console.log(`data: ${typeof d} ${JSON.stringify(d)}`));
  c.stdout.on('end', () => console.log('end'));
  c.stderr.on('data', () => c.stdin.write('go\n'));
  c.on('close', (code) => { console.log(`close ${code}`); next(); });
}

pipes(() => pausing(() => decoding(() => console.log('done'))));
