// Node twin of signal-busy-chain.rhai.
const { spawn } = require('child_process');

if (process.argv[2] === 'child') {
  let stop = false;
  process.on('SIGUSR2', (name, num) => {
    console.log(`child listener: ${name} ${num}`);
    stop = true;
  });
  let n = 0;
  const t0 = Date.now();
  const tick = () => {
    n += 1;
    if (n === 1) {
      console.log('child running');
    }
    if (stop) {
      console.log('child chain stopped by the listener');
      return;
    }
    if (Date.now() - t0 > 10000) {
      console.log('child: no listener call in 10 s');
      return;
    }
    setImmediate(tick);
  };
  setImmediate(tick);
} else {
  const c = spawn(process.execPath, [process.argv[1], 'child'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  let sent = false;
  c.stdout.on('data', (d) => {
    out += d;
    if (!sent && out.includes('child running\n')) {
      sent = true;
      console.log(`parent: kill SIGUSR2 -> ${c.kill('SIGUSR2')}`);
    }
  });
  c.on('close', (code, sig) => {
    process.stdout.write(out);
    console.log(`child exit ${code} ${sig}`);
  });
}
