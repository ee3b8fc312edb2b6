// beforeExit gets exitCode; an unref'd interval alone never ticks; an unref'd
// immediate alone never runs; microtasks queued inside 'exit' still run on a
// natural exit, timers and ticks do not.
setInterval(() => console.log('never: unref interval'), 1).unref();
setImmediate(() => console.log('never: unref immediate')).unref();
process.exitCode = 3;
process.on('beforeExit', (code) => console.log(`beforeExit ${code}`));
process.on('exit', (code) => {
  console.log(`exit ${code}`);
  setTimeout(() => console.log('never: timer in exit'), 0);
  process.nextTick(() => console.log('never: tick in exit'));
  Promise.resolve().then(() => console.log('promise in exit (runs, as in Node)'));
});
console.log('main done');
