// The order around disconnect() (both ends, as Node 20 gives it): `connected` is
// false at once, 'disconnect' comes on the next tick (before ticks queued after
// the call), a send after it fails with ERR_IPC_CHANNEL_CLOSED, and the child sees
// every message sent before the call, then its own 'disconnect'. The child's
// output comes through a pipe and is printed once it ended and the child exited:
// the two processes' writes to one stdout would otherwise race. The child's exit is
// printed there too, after the parent's immediate: a child that started, read and
// exited while the parent was still in its first loop turn came before it (seen
// once with a procbox child, which starts in about 2 ms). (No 'close' here:
// Node 20 never emits it after the parent's disconnect(); see README.)
const cp = require('child_process');
if (process.argv[2] === 'child') {
  const got = [];
  process.on('message', (m) => got.push(m));
  process.on('disconnect', () => console.log(`child: 'disconnect' after ${JSON.stringify(got)}`));
} else {
  const c = cp.fork(process.argv[1], ['child'], { silent: true });
  const out = [];
  c.stdout.setEncoding('utf8');
  c.stdout.on('data', (s) => out.push(s));
  c.on('disconnect', () => console.log(`parent: 'disconnect', connected: ${c.connected}`));
  let seen = 0;
  let exited;
  const flush = () => {
    seen += 1;
    if (seen === 3) {
      console.log(`parent: child exited ${exited}`);
      process.stdout.write(out.join(''));
    }
  };
  c.stdout.on('end', flush);
  c.on('exit', (code) => { exited = code; flush(); });
  for (const m of ['a', 'b', 'c']) c.send(m);
  c.disconnect();
  console.log(`parent: disconnect() returned, connected: ${c.connected}`);
  c.send('late', (err) => console.log(`parent: late send: ${err.code}`));
  process.nextTick(() => console.log('parent: nextTick queued after disconnect()'));
  Promise.resolve().then(() => console.log('parent: microtask'));
  setImmediate(() => { console.log('parent: immediate'); flush(); });
}
