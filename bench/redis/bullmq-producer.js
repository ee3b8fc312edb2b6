// BullMQ end to end: waits for W workers, adds N jobs (addBulk), counts the
// `completed` events. Usage: node bullmq-producer.js URL N W
// Prints: BENCH name=pool_bullmq n=N ns=TOTAL
const { Queue, QueueEvents } = require("bullmq");
const [url, nText, wText] = process.argv.slice(2);
const n = parseInt(nText), want = parseInt(wText);
const connection = { path: url.replace("unix://", "") };
(async () => {
    const q = new Queue("bench", { connection });
    const ev = new QueueEvents("bench", { connection });
    await ev.waitUntilReady();
    while ((await q.getWorkersCount()) < want) await new Promise((r) => setTimeout(r, 20));
    let done = 0;
    const t0 = process.hrtime.bigint();
    const finished = new Promise((resolve) => ev.on("completed", () => { if (++done === n) resolve(); }));
    await q.addBulk(Array.from({ length: n }, (_, i) => ({ name: "j", data: { n: i } })));
    await finished;
    console.log(`BENCH name=pool_bullmq n=${n} ns=${process.hrtime.bigint() - t0}`);
    await ev.close();
    await q.close();
})();
