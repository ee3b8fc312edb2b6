// 500 children, all started at once: each is reaped as it exits, so when the last
// 'exit' has come no child of ours is left as a zombie (ps lists our children).
const cp = require('child_process');
const N = 500;
let exits = 0;
let failures = 0;
for (let i = 0; i < N; i++) {
  const c = cp.spawn('/bin/sh', ['-c', 'exit 0'], { stdio: 'ignore' });
  c.on('exit', (code) => {
    exits += 1;
    if (code !== 0) failures += 1;
    if (exits === N) {
      const ps = cp.execFileSync('ps', ['--ppid', String(process.pid), '-o', 'stat='], { encoding: 'utf8' });
      const states = ps.split('\n').filter((s) => s !== '');
      console.log(`exits: ${exits}, failures: ${failures}`);
      console.log(`zombie children: ${states.filter((s) => s.startsWith('Z')).length}`);
      console.log(`other children: ${states.length}`);
    }
  });
}
