// N round trips of {n: i} with a forked echo child; prints BENCH … ns=total.
const { fork } = require('child_process');
const now = () => { const [s, ns] = process.hrtime(); return s * 1e9 + ns; };
const n = Number(process.argv[2] || 20000);
const child = fork(__dirname + '/echo-child.js');
let i = 0, t0 = 0;
child.on('message', (m) => {
  i++;
  if (i === 1) t0 = now();
  if (i <= n) child.send({ n: i }); else { console.log(`BENCH name=pingpong n=${n} ns=${now() - t0}`); child.disconnect(); }
});
child.send({ n: 0 });
