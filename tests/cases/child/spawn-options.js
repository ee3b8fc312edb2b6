// spawn options: cwd, env (PATH lookup in the child's env), argv0, shell, detached,
// timeout + killSignal, spawnfile/spawnargs. Steps run one after the other.
const { spawn } = require('child_process');

function run(label, file, args, opts, next) {
  const c = spawn(file, args, opts);
  let out = '';
  if (c.stdout) c.stdout.on('data', (d) => { out += d; });
  c.on('error', (e) => console.log(`${label}: error ${e.code} ${e.message}`));
  c.on('close', (code, sig) => {
    const shown = label.startsWith('/proc') ? '(stat)' : JSON.stringify(out);
    console.log(`${label}: ${shown} close ${code} ${sig} file=${c.spawnfile} args=${JSON.stringify(c.spawnargs)}`);
    next(c, out);
  });
  return c;
}

// Fields of /proc/<pid>/stat after the command: state, ppid, pgrp, session, tty_nr.
const stat = (text) => text.slice(text.lastIndexOf(') ') + 2).split(' ');

const steps = [
  (next) => run('cwd', 'pwd', [], { cwd: '/' }, next),
  (next) => run('env', 'sh', ['-c', 'echo "$A|$B|$C|${D-unset}"'], { env: { PATH: process.env.PATH, A: 'x', B: 5, C: null, D: undefined } }, next),
  (next) => run('PATH from the child env', 'ls', ['/'], { env: { PATH: '/nonexistent' } }, next),
  (next) => run('no PATH: default search path', 'sh', ['-c', 'echo found'], { env: {} }, next),
  (next) => run('argv0', 'sh', ['-c', 'echo $0'], { argv0: 'custom-name' }, next),
  (next) => run('shell true', 'echo', ['a', 'b  c', '$((1+2))'], { shell: true }, next),
  (next) => run('shell path', 'echo $0', [], { shell: '/bin/sh' }, next),
  (next) => run('timeout', 'sleep', ['5'], { timeout: 100, killSignal: 'SIGKILL' }, next),
  (next) => run('/proc: detached', 'sh', ['-c', 'exec cat /proc/self/stat'], { detached: true }, (c, out) => {
    const f = stat(out);
    console.log(`detached: own group ${f[2] === String(c.pid)}, own session ${f[3] === String(c.pid)}, no terminal ${f[4] === '0'}`);
    next();
  }),
  (next) => run('/proc: attached', 'sh', ['-c', 'exec cat /proc/self/stat'], {}, (c, out) => {
    const mine = stat(require('child_process').execFileSync('cat', ['/proc/self/stat'], { encoding: 'utf8' }));
    const f = stat(out);
    // execFileSync's cat is our child: its group and session are ours
    console.log(`attached: our group ${f[2] === mine[2]}, our session ${f[3] === mine[3]}`);
    next();
  }),
];
const go = (i) => { if (i < steps.length) steps[i](() => go(i + 1)); };
go(0);
