// Twin of timeout_batch.rhai: N setTimeout(f, 0) (`count += 1`) scheduled at once; the
// time is scheduling plus running (from `mark`, first, to `done`, last), without the
// 1 ms wait before the first timer is due.
// Prints: BENCH name=timeout_batch n=N ns=TOTAL sched_ns=… run_ns=…
const n = process.argv.length > 2 ? parseInt(process.argv[2]) : 100000;
let count = 0;
let t0 = process.hrtime();
let t1 = t0;
let t2 = t0;
const mark = () => { t2 = process.hrtime(); };
const cb = () => { count += 1; };
const done = () => {
    const t3 = process.hrtime();
    if (count !== n) throw new Error(`timeout_batch: ran ${count} of ${n}`);
    const sched = (t1[0] - t0[0]) * 1e9 + (t1[1] - t0[1]);
    const run = (t3[0] - t2[0]) * 1e9 + (t3[1] - t2[1]);
    console.log(`BENCH name=timeout_batch n=${n} ns=${sched + run} sched_ns=${sched} run_ns=${run}`);
};

setTimeout(mark, 0);
t0 = process.hrtime();
for (let i = 0; i < n; i++) { setTimeout(cb, 0); }
t1 = process.hrtime();
setTimeout(done, 0);
