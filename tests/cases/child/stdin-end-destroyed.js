// end(cb) on a child's stdin that is destroyed before it finishes: no `finish`; the
// end callbacks hear ERR_STREAM_DESTROYED on ticks (the one given before destroy()
// first, queued by it), then `close`. procbox used to add the callback as a `finish`
// listener (never called) and emitted the `finish` that end() had posted.
const { spawn } = require('child_process');
const c = spawn('cat', [], { stdio: ['pipe', 'ignore', 'ignore'] });
c.stdin.on('error', (e) => console.log('error ' + e.code));
c.stdin.on('close', () => console.log('close'));
c.stdin.on('finish', () => console.log('finish'));
c.stdin.end((e) => console.log('end callback ' + (e && e.code)));
c.stdin.destroy();
process.nextTick(() => console.log('tick after destroy'));
c.stdin.end((e) => console.log('end callback after destroy ' + (e && e.code)));
