// A write to a stdout whose reader went away (EPIPE), with an `error` listener: write
// returns false, its callback gets the error on a tick, then `error` comes on a later
// tick; a second write fails the same way. The parent reads one line, destroys its
// end of the pipe, and only when that end is closed tells the child to write again,
// so the EPIPE is causal. The child reports on stderr.
const { spawn } = require('child_process');
const say = (s) => process.stderr.write(s + '\n');
const status = (err) => (err == null ? 'ok' : `${err.code} ${err.syscall}`);

if (process.argv[2] === 'child') {
  process.stdout.on('error', (err) => say(`error ${status(err)}`));
  process.stdout.write('one\n');
  process.stdin.on('data', () => {
    const r = process.stdout.write('two\n', (err) => say(`cb ${status(err)}`));
    say(`returned ${r}`);
    process.nextTick(() => say('tick'));
    Promise.resolve().then(() => say('promise'));
    setImmediate(() => {
      say('immediate');
      process.stdout.write('three\n', (err) => {
        say(`cb3 ${status(err)}`);
        setImmediate(() => process.exit(0));
      });
    });
  });
} else {
  const c = spawn(process.execPath, [process.argv[1], 'child']);
  let report = '';
  c.stderr.on('data', (d) => { report += d; });
  c.stdout.once('data', (d) => {
    console.log(`parent got ${JSON.stringify(String(d))}`);
    c.stdout.on('close', () => c.stdin.write('go\n'));
    c.stdout.destroy();
  });
  c.on('close', (code) => {
    process.stdout.write(report);
    console.log(`child exit ${code}`);
  });
}
