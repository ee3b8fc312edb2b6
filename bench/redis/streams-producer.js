// The raw Streams baseline's producer: waits for W consumers, adds N jobs in one
// pipeline, reads the results stream until N results. Usage: node streams-producer.js URL N W
// Prints: BENCH name=pool_streams n=N ns=TOTAL
const Redis = require("ioredis");
const [url, nText, wText] = process.argv.slice(2);
const n = parseInt(nText), want = parseInt(wText);
const r = new Redis({ path: url.replace("unix://", "") });
(async () => {
    await r.xgroup("CREATE", "jobs", "g", "0", "MKSTREAM").catch(() => {});
    while ((await r.xinfo("CONSUMERS", "jobs", "g")).length < want) await new Promise((res) => setTimeout(res, 20));
    const t0 = process.hrtime.bigint();
    const p = r.pipeline();
    for (let i = 0; i < n; i++) p.xadd("jobs", "*", "n", String(i));
    await p.exec();
    let got = 0, last = "0";
    while (got < n) {
        const res = await r.xread("COUNT", 1000, "BLOCK", 5000, "STREAMS", "results", last);
        if (!res) continue;
        for (const [id] of res[0][1]) { last = id; got++; }
    }
    console.log(`BENCH name=pool_streams n=${n} ns=${process.hrtime.bigint() - t0}`);
    r.quit();
})();
