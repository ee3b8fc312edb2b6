// Node's own kill rules, which procbox keeps by default: child.kill() signals one
// pid, so a grandchild survives; a detached child leads its own group, and
// process.kill(-pid) reaches the whole group. (kill-tree.rhai: procbox's killTree.)
const cp = require('child_process');
const fs = require('fs');

// Alive: in /proc and not a zombie.
function alive(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return s.slice(s.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch (e) {
    return false;
  }
}

// Polls until `pid` is gone, for at most `ms` (0: look once).
function goneWithin(pid, ms) {
  const t0 = Date.now();
  while (alive(pid) && Date.now() - t0 < ms) {}
  return !alive(pid);
}

function run(label, opts, kill, ms, next) {
  const c = cp.spawn('sh', ['-c', 'sleep 30 & echo $!; wait'], opts);
  c.stdout.setEncoding('utf8');
  c.stdout.once('data', (d) => {
    const grandchild = parseInt(d);
    c.on('exit', (code, signal) => {
      console.log(`${label}: child exit`, code, signal);
      const gone = goneWithin(grandchild, ms);
      console.log(`${label}: grandchild gone: ${gone}`);
      if (!gone) process.kill(grandchild, 'SIGKILL');
      next();
    });
    kill(c);
  });
}

run('plain kill', {}, (c) => c.kill(), 0, () => {
  run('detached, group kill', { detached: true }, (c) => process.kill(-c.pid, 'SIGTERM'), 5000, () => {});
});
