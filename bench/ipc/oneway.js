// N one-way messages of about 100 bytes to a forked child, until it has them all.
const { fork } = require('child_process');
const now = () => { const [s, ns] = process.hrtime(); return s * 1e9 + ns; };
const n = Number(process.argv[2] || 100000);
const child = fork(__dirname + '/sink-child.js');
child.on('message', () => { console.log(`BENCH name=oneway n=${n} ns=${now() - t0}`); child.disconnect(); });
child.send(n);
const t0 = now();
const msg = { id: 0, kind: 'event', payload: '0123456789012345678901234567890123456789012345678901234567890123456789' };
for (let i = 0; i < n; i++) { msg.id = i; child.send(msg); }
