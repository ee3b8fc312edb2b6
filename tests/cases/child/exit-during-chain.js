// Node twin of exit-during-chain.rhai.
const { spawn } = require('child_process');
let stop = false;
const c = spawn('true', [], { stdio: 'ignore' });
c.on('exit', (code) => {
  console.log(`child exit ${code}`);
  stop = true;
});
const t0 = Date.now();
const tick = () => {
  if (stop) {
    console.log('chain stopped by the exit listener');
    return;
  }
  if (Date.now() - t0 > 10000) {
    console.log('no exit in 10 s');
    return;
  }
  setImmediate(tick);
};
setImmediate(tick);
