// A CPU-bound job: `job` iterations of arithmetic. Answers how long it ran (ns).
process.on('message', (job) => {
    const t0 = process.hrtime.bigint();
    let x = 0;
    for (let i = 0; i < job; i++) x += i % 7;
    process.send(Number(process.hrtime.bigint() - t0) + (x & 0));
});
