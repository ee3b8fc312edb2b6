// Node twin of signal-immediate-chain.rhai.
let stop = false;
process.on('SIGUSR2', (name, num) => {
  console.log(`listener: ${name} ${num}`);
  stop = true;
});
let n = 0;
const t0 = Date.now();
const tick = () => {
  n += 1;
  if (n === 100) {
    console.log(`link 100: kill -> ${process.kill(process.pid, 'SIGUSR2')}`);
  }
  if (stop) {
    console.log(`chain stopped by the listener, after link 100: ${n > 100}`);
    return;
  }
  if (Date.now() - t0 > 10000) {
    console.log('no listener call in 10 s');
    return;
  }
  setImmediate(tick);
};
setImmediate(tick);
