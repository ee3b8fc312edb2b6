// stdio forms: inherit (no streams; output straight to ours), ignore, pipe, and an
// array mixing them with a descriptor number. Steps run one after the other.
const { spawn } = require('child_process');
const show = (s) => (s === null ? 'null' : 'stream');

function inherit(next) {
  // The child writes to our stdout at once: print ours after it is done.
  const c = spawn('sh', ['-c', 'echo inherited stdout'], { stdio: 'inherit' });
  const line = `inherit: stdin=${show(c.stdin)} stdout=${show(c.stdout)} stderr=${show(c.stderr)} stdio=${c.stdio.length}`;
  c.on('close', (code) => { console.log(line); console.log(`inherit: close ${code}`); next(); });
}

function ignore(next) {
  const c = spawn('sh', ['-c', 'echo lost; read x; echo "read status $?" >&2'], { stdio: 'ignore' });
  console.log(`ignore: stdin=${show(c.stdin)} stdout=${show(c.stdout)}`);
  c.on('close', (code) => { console.log(`ignore: close ${code}`); next(); });
}

function mixed(next) {
  // stdin piped, stdout piped, the child's stderr on our stdout (descriptor 1)
  const c = spawn('sh', ['-c', 'read line; echo "got $line"; echo "to fd 2" >&2'], { stdio: ['pipe', 'pipe', 1] });
  console.log(`mixed: stdin=${show(c.stdin)} stdout=${show(c.stdout)} stderr=${show(c.stderr)}`);
  let out = '';
  c.stdout.on('data', (d) => { out += d; });
  c.on('close', (code) => { console.log(`mixed: stdout ${JSON.stringify(out)} close ${code}`); next(); });
  c.stdin.end('hello\n');
}

function pipes(next) {
  // default: three pipes; stderr read as text
  const c = spawn('sh', ['-c', 'cat; echo oops >&2']);
  c.stderr.setEncoding('utf8');
  let err = '';
  let out = '';
  c.stderr.on('data', (d) => { err += `[${typeof d}]${d}`; });
  c.stdout.on('data', (d) => { out += d.toString(); });
  c.on('close', (code) => { console.log(`pipe: out ${JSON.stringify(out)} err ${JSON.stringify(err)} close ${code}`); next(); });
  c.stdin.write('line 1\n');
  c.stdin.write(Buffer.from('line 2\n'));
  c.stdin.end();
}

inherit(() => ignore(() => mixed(() => pipes(() => console.log('done')))));
