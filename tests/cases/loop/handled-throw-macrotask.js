// A timer or an immediate that throws, handled by uncaughtException: the ticks and
// promises it queued wait until after the next macrotask of the same phase (Node
// skips the drain after a callback that threw). The immediates are queued by the
// second timer, so the phases come in a known order; both timers are due before the
// loop starts (Node reads the clock for each setTimeout, so two timers made one after
// the other may be a millisecond apart).
process.on('uncaughtException', (e) => console.log('caught ' + e.message));
setTimeout(() => {
  console.log('timer 1');
  process.nextTick(() => console.log('tick queued by timer 1'));
  Promise.resolve().then(() => console.log('promise queued by timer 1'));
  throw new Error('from timer 1');
}, 0);
setTimeout(() => {
  console.log('timer 2');
  setImmediate(() => {
    console.log('immediate 1');
    process.nextTick(() => console.log('tick queued by immediate 1'));
    throw new Error('from immediate 1');
  });
  setImmediate(() => console.log('immediate 2'));
}, 0);
const start = Date.now();
while (Date.now() < start + 5) {}
