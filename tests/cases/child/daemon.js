// Node twin of daemon.rhai: the same checks on scripts/daemon.js.
const cp = require('child_process');
const log = `/tmp/procbox-daemon-test-node-${process.pid}.log`;
process.env.DAEMON_LOG = log;
process.env.DAEMON_INTERVAL_MS = '20';
process.env.DAEMON_LIFETIME_MS = '30000';
const t0 = Date.now();
const r = cp.spawnSync(process.execPath, ['daemon.js'], { encoding: 'utf8', cwd: '../../../scripts' });
console.log(`launcher exited with status ${r.status}, without waiting for the daemon: ${Date.now() - t0 < 5000}`);
const launcher = r.pid;

function stat(pid) {
  const r = cp.spawnSync('cat', [`/proc/${pid}/stat`], { encoding: 'utf8' });
  if (r.status !== 0) return ['gone'];
  return r.stdout.slice(r.stdout.indexOf(') ') + 2).split(' ');
}

function pollUntil(done, then) {
  const started = Date.now();
  const timer = setInterval(() => {
    const ok = done();
    if (ok || Date.now() - started > 10000) {
      clearInterval(timer);
      then(ok);
    }
  }, 20);
}

let line = '(nothing logged)';
pollUntil(() => {
  const text = cp.spawnSync('cat', [log], { encoding: 'utf8' }).stdout || '';
  const fresh = text.split('\n').filter((l) => l !== '' && !l.endsWith(` ${launcher}`));
  if (fresh.length > 0) line = fresh[0];
  return fresh.length > 0;
}, () => {
  console.log(`log: ${line}`);
  const words = line.split(' ');
  const pid = parseInt(words[3]);
  const s = stat(pid);
  console.log(`daemon running: ${s[0] !== 'gone' && s[0] !== 'Z'}`);
  console.log(`own session: ${parseInt(s[3]) === pid}, own process group: ${parseInt(s[2]) === pid}, no terminal: ${s[4] === '0'}`);
  console.log(`re-parented away from the launcher: ${parseInt(s[1]) !== launcher}`);
  process.kill(pid, 'SIGTERM');
  pollUntil(() => {
    const st = stat(pid)[0];
    return st === 'gone' || st === 'Z';
  }, (ok) => {
    console.log(`daemon stopped: ${ok}`);
    cp.spawnSync('rm', ['-f', log]);
  });
});
