// A child stdin's write callback that throws, handled by uncaughtException: the
// write to the pipe goes out at once, so its callback runs on a tick and cuts that
// tick drain short; the rest waits until after the second immediate (pins Node's
// order for stdin on io::Stream).
const { spawn } = require('child_process');
process.on('uncaughtException', (e) => console.log('caught ' + e.message));
const child = spawn('cat', [], { stdio: ['pipe', 'ignore', 'inherit'] });
child.on('exit', (code) => console.log('child exit ' + code));
setImmediate(() => {
  child.stdin.write('x', () => {
    console.log('write callback');
    process.nextTick(() => console.log('tick queued by the callback'));
    throw new Error('from the write callback');
  });
  process.nextTick(() => console.log('tick queued after write'));
  Promise.resolve().then(() => console.log('promise queued after write'));
});
setImmediate(() => {
  console.log('second immediate');
  child.stdin.end();
});
