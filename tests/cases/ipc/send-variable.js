// Case: `process.send(m)` sends the value `m` has at the call, whether `m` is a plain
// variable, one a closure shares, or a constant, and changing `m` afterwards does not
// change what was sent. The parent prints what arrives, in order, then disconnects.
// Map keys are written in sorted order (the Rhai twin's maps keep them sorted).
const cp = require('child_process');
if (process.argv[2] === 'child') {
  process.on('message', (_start) => {
    const m = { list: [1], n: 1 };
    for (let i = 0; i < 3; i++) { process.send(m); m.n += 1; m.list.push(i); }
    const shared = { n: 3 };
    const bump = () => { shared.n += 1; };
    for (let i = 0; i < 3; i++) { process.send(shared); bump(); }
    const C = 'constant';
    process.send(C);
    let s = 'text';
    for (let i = 0; i < 3; i++) { process.send(s); s += i; }
    process.send({ m, s });
    process.send('end');
  });
} else {
  const c = cp.fork(__filename, ['child']);
  c.on('message', (msg) => {
    console.log(JSON.stringify(msg));
    if (msg === 'end') c.disconnect();
  });
  c.send('go');
}
