// CPU-bound jobs on a warm pool (the corrected seed pool, bench/pool/pool.js): one job
// alone (median of 3), then JOBS at once (wall time); see cpu.rhai.
// Usage: node cpu.js [JOBS=8] [ITER=100000000]
// Prints: BENCH name=pool_cpu_node n=JOBS ns=WALL single_ns=ONE workers=W busy_ns=SUM
const path = require('path');
const { creatProcessPool } = require('./pool.js');
const jobs = Number(process.argv[2] || 8);
const iter = Number(process.argv[3] || 1e8);
const workers = require('os').availableParallelism();
const doWork = creatProcessPool(path.join(__dirname, 'spin.worker.js'));
const run = (job) => new Promise((resolve, reject) => doWork(job, (err, r) => (err ? reject(err) : resolve(r))));
const now = () => process.hrtime.bigint();

(async () => {
    await Promise.all(Array.from({ length: workers }, () => run(1)));
    const singles = [];
    for (let i = 0; i < 3; i++) {
        const t0 = now();
        await run(iter);
        singles.push(Number(now() - t0));
    }
    singles.sort((a, b) => a - b);
    const t0 = now();
    const runs = await Promise.all(Array.from({ length: jobs }, () => run(iter)));
    const wall = now() - t0;
    const busy = runs.reduce((a, b) => a + b, 0);
    console.log(`BENCH name=pool_cpu_node n=${jobs} ns=${wall} single_ns=${singles[1]} workers=${workers} busy_ns=${busy}`);
})();
