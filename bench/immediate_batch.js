// Twin of immediate_batch.rhai: N setImmediate callbacks (`count += 1`) queued at once,
// then `done`, which runs right after them and stops the clock.
// Prints: BENCH name=immediate_batch n=N ns=TOTAL
const n = process.argv.length > 2 ? parseInt(process.argv[2]) : 100000;
let count = 0;
let t0 = process.hrtime();
const cb = () => { count += 1; };
const done = () => {
    const t1 = process.hrtime();
    if (count !== n) throw new Error(`immediate_batch: ran ${count} of ${n}`);
    const ns = (t1[0] - t0[0]) * 1e9 + (t1[1] - t0[1]);
    console.log(`BENCH name=immediate_batch n=${n} ns=${ns}`);
};

t0 = process.hrtime();
for (let i = 0; i < n; i++) { setImmediate(cb); }
setImmediate(done);
