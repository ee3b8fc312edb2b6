// Node twin of zombie.rhai (spawn instead of fork; the busy loop is bounded).
const cp = require('child_process');

function state(pid) {
  const r = cp.spawnSync('cat', [`/proc/${pid}/stat`], { encoding: 'utf8' });
  if (r.status !== 0) return 'gone';
  return r.stdout.slice(r.stdout.indexOf(') ') + 2).split(' ')[0];
}

function zombie() {
  if (process.argv[2] === 'child') {
    console.log(`${process.ppid} ${process.pid}`);
    return process.exit();
  }

  const child = cp.spawn(process.execPath, [__filename, 'child'], { stdio: 'inherit' });
  const pid = child.pid;
  child.on('exit', (code) => console.log(`exit event (code ${code}); child state now: ${state(pid)}`));

  const start = Date.now();
  let seen = state(pid);
  while (seen !== 'Z' && Date.now() - start < 10000) seen = state(pid);
  console.log(`during the busy loop the child state is: ${seen}`);
}

zombie();
