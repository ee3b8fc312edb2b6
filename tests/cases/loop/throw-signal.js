// A signal listener that throws, handled by uncaughtException: the process sends
// itself SIGUSR2 then SIGHUP before the loop starts, so both are read from the signal
// pipe in one poll and their listeners run one after the other; the tick and promise
// the SIGUSR2 listener queued wait until the SIGHUP listener ran (Node skips the
// drain after a callback that threw; procbox drained at once until signal events
// followed the settle rule).
process.on('uncaughtException', (e) => console.log('caught ' + e.message));
const keep = setTimeout(() => console.log('never'), 60000);
process.on('SIGUSR2', (name) => {
  console.log(name);
  process.nextTick(() => console.log('tick queued by SIGUSR2'));
  Promise.resolve().then(() => console.log('promise queued by SIGUSR2'));
  throw new Error('from SIGUSR2');
});
process.on('SIGHUP', (name) => {
  console.log(name);
  process.nextTick(() => console.log('tick queued by SIGHUP'));
  clearTimeout(keep);
});
process.kill(process.pid, 'SIGUSR2');
process.kill(process.pid, 'SIGHUP');
