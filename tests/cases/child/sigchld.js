// Node twin of sigchld.rhai.
const { spawn } = require('child_process');
const f = (sig) => console.log(`never: removed listener got ${sig}`);
const c = spawn('sh', ['-c', 'read x'], { stdio: ['pipe', 'ignore', 'ignore'] });
process.on('SIGCHLD', f);
process.off('SIGCHLD', f);
let heard = 'nothing';
c.on('exit', (code) => {
  console.log(`exit ${code}: reaped after the listener went away`);
  process.once('SIGCHLD', (sig, num) => { heard = `${sig} ${num}`; });
  const d = spawn('true');
  d.on('close', () => setImmediate(() => console.log(`listener heard: ${heard}`)));
});
c.stdin.end();
