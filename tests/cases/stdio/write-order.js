// process.stdout.write on a pipe whose reader keeps up: it returns true and its
// callback runs on a tick, after ticks queued before the write and before ticks
// queued after it, then promises, then immediates. stderr the same.
const log = [];
process.nextTick(() => log.push('tick before'));
const r = process.stdout.write('a\n', (err) => log.push(`out cb ${err == null ? 'ok' : err.code}`));
log.push(`out returned ${r}`);
const r2 = process.stderr.write('', (err) => log.push(`err cb ${err == null ? 'ok' : err.code}`));
log.push(`err returned ${r2}`);
process.nextTick(() => log.push('tick after'));
Promise.resolve().then(() => log.push('promise'));
setImmediate(() => {
  log.push('immediate');
  setImmediate(() => {
    for (const line of log) console.log(line);
    console.log(`fd ${process.stdout.fd} ${process.stderr.fd}`);
  });
});
