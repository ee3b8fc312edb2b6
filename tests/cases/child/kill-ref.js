// kill() rules (killed flips on any successful kill(2), even one the child ignores;
// false once reaped; numbers allowed) and ref/unref: an unref'd child does not keep
// the process alive, but its exit is reported while something else does.
const { spawn } = require('child_process');

const ignoring = spawn('sh', ['-c', 'trap "" TERM; echo ready; read x; exit 9']);
ignoring.stdout.once('data', () => {
  console.log(`kill() a child ignoring TERM: ${ignoring.kill()} killed=${ignoring.killed}`);
  console.log(`kill(0) probe: ${ignoring.kill(0)}`);
  ignoring.stdin.end('go\n');
});
ignoring.on('exit', (code, sig) => {
  console.log(`ignoring exit ${code} ${sig} killed=${ignoring.killed} kill() now: ${ignoring.kill()}`);
  const nine = spawn('sleep', ['5']);
  nine.on('spawn', () => nine.kill(9));
  nine.on('exit', (code, sig) => {
    console.log(`kill(9): exit ${code} ${sig}`);
    unrefs();
  });
});

function unrefs() {
  // unref'd but exits while a timer keeps us alive: 'exit' still comes
  const quick = spawn('true', [], { stdio: 'ignore' });
  quick.unref();
  const keep = setTimeout(() => console.log('never: quick exit clears this'), 10000);
  quick.on('exit', (code) => {
    clearTimeout(keep);
    console.log(`unref'd child reported: exit ${code}`);
    // unref'd and long-running: the process exits without waiting for it (the
    // bound is far below the child's 30 s, far above a slow machine's delays)
    const slow = spawn('sleep', ['30'], { stdio: 'ignore' });
    const t0 = Date.now();
    slow.unref();
    slow.on('exit', () => console.log('never: we exit first'));
    process.on('exit', () => {
      console.log(`exited without waiting: ${Date.now() - t0 < 10000}`);
      slow.kill('SIGKILL');
    });
  });
}
