// Timer clamping and list order, drains between timers and between immediates,
// intervals cleared by their handle, clearTimeout junk ignored.
// Timers set one after the other fire in the order they are due; the delays are far
// apart so that a loaded machine pausing the script between two of the calls (tens of
// ms) cannot change which is due first (F 50 ms vs G 1 ms; the unref'd 20 ms vs the
// 100 ms one).
const log = (s) => console.log(s);
setTimeout(() => log('A 1ms'), 1); setTimeout(() => log('B 0ms'), 0);
setTimeout(() => log('C -5ms'), -5); setTimeout(() => log('D NaN'), NaN);
setTimeout(() => log('E "abc"'), 'abc'); setTimeout(() => log('F 50ms'), 50);
setTimeout(() => log('G 1ms'), 1);
const cleared = setTimeout(() => log('never: cleared'), 1);
clearTimeout(cleared); clearTimeout(cleared); clearTimeout(undefined); clearTimeout('junk');
setTimeout(phase2, 60);
function phase2() {
  setTimeout(() => { log('timeout 1');
    process.nextTick(() => log('nextTick from timeout 1'));
    Promise.resolve().then(() => log('promise from timeout 1')); }, 50);
  setTimeout(() => log('timeout 2'), 50);
  setImmediate(() => { log('immediate 1');
    process.nextTick(() => log('nextTick from immediate 1'));
    Promise.resolve().then(() => log('promise from immediate 1')); });
  setImmediate(() => log('immediate 2'));
  setTimeout(phase3, 80);
}
function phase3() {
  // Inside a timer callback the immediate always wins over setTimeout(0).
  setTimeout(() => log('timeout 0 from timer'), 0);
  setImmediate(() => log('immediate from timer'));
  let k = 0;
  const iv = setInterval(() => { k++; log(`interval ${k}`); if (k === 3) { clearInterval(iv); phase4(); } }, 5);
}
function phase4() {
  setTimeout(() => log('unref fired at ~20 (something else keeps the loop alive)'), 20).unref();
  setTimeout(() => log('ref at 100'), 100);
  const im = setImmediate(() => log('never: cleared immediate'));
  clearImmediate(im);
  log(`hasRef of unref'd timer: ${setTimeout(() => {}, 1).unref().hasRef()}`);
}
