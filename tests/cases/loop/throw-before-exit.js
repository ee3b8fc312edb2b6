// A `beforeExit` listener that throws, handled by uncaughtException: the rest of
// that emit is skipped (the second listener), and the tick and promise it queued wait
// until after the next callback, the timer it made (due before the loop restarts: the
// listener waits 5 ms after making it). Node skips the drain after a callback that
// threw; procbox drained at once until `beforeExit` followed the settle rule.
process.on('uncaughtException', (e) => console.log('caught ' + e.message));
let n = 0;
process.on('beforeExit', (code) => {
  n += 1;
  console.log(`beforeExit ${n} (code ${code})`);
  if (n > 1) return;
  setTimeout(() => console.log('timer made by beforeExit 1'), 0);
  process.nextTick(() => console.log('tick queued by beforeExit 1'));
  Promise.resolve().then(() => console.log('promise queued by beforeExit 1'));
  const start = Date.now();
  while (Date.now() < start + 5) {}
  throw new Error('from beforeExit 1');
});
process.on('beforeExit', () => console.log('second listener'));
process.on('exit', (code) => console.log(`exit ${code}`));
