// fork → first message latency, and the idle child's resident memory (VmRSS).
const { fork, execSync } = require('child_process');
const now = () => { const [s, ns] = process.hrtime(); return s * 1e9 + ns; };
const t0 = now();
const child = fork(__dirname + '/ready-child.js');
child.on('message', () => {
  const ns = now() - t0;
  const kb = parseInt(execSync(`grep VmRSS /proc/${child.pid}/status`).toString().split(':')[1]);
  console.log(`BENCH name=fork_first_message n=1 ns=${ns} rss_kb=${kb}`);
  child.disconnect();
});
