// N tiny jobs through a warm pool (the corrected seed pool, bench/pool/pool.js), all
// submitted at once; the time from the first submit to the last callback.
// Usage: node tiny.js [N=2000]
// Prints: BENCH name=pool_tiny_node n=N ns=TOTAL
const path = require('path');
const { creatProcessPool } = require('./pool.js');
const n = Number(process.argv[2] || 2000);
const doWork = creatProcessPool(path.join(__dirname, 'plain.worker.js'));
const cpus = require('os').availableParallelism();
const warmN = 50 * cpus;
let warm = 0, done = 0, t0;

function measure() {
    t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
        doWork(i, (err) => {
            if (err) throw err;
            if (++done === n) {
                console.log(`BENCH name=pool_tiny_node n=${n} ns=${process.hrtime.bigint() - t0}`);
            }
        });
    }
}
for (let i = 0; i < warmN; i++) {
    doWork(i, (err) => {
        if (err) throw err;
        if (++warm === warmN) measure();
    });
}
