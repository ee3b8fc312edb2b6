// Twin of tick_chain.rhai: each process.nextTick callback queues the next, all
// in one drain.
// Prints: BENCH name=tick_chain n=N ns=TOTAL
const n = process.argv.length > 2 ? parseInt(process.argv[2]) : 100000;
let count = 0;
let t0 = process.hrtime();
const tick = () => {
    count += 1;
    if (count < n) {
        process.nextTick(tick);
    } else {
        const t1 = process.hrtime();
        const ns = (t1[0] - t0[0]) * 1e9 + (t1[1] - t0[1]);
        console.log(`BENCH name=tick_chain n=${n} ns=${ns}`);
    }
};

t0 = process.hrtime();
process.nextTick(tick);
