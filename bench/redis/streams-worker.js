// A raw Streams consumer-group worker in Node with ioredis: reads batches of 10,
// answers each batch with one pipeline (XADD result + XACK per job).
// Usage: node streams-worker.js URL
const Redis = require("ioredis");
const r = new Redis({ path: process.argv[2].replace("unix://", "") });
const me = `c${process.pid}`;
let running = true;
process.on("SIGTERM", () => { running = false; });
(async () => {
    await r.xgroup("CREATE", "jobs", "g", "0", "MKSTREAM").catch(() => {});
    await r.xgroup("CREATECONSUMER", "jobs", "g", me);
    while (running) {
        const res = await r.xreadgroup("GROUP", "g", me, "COUNT", 10, "BLOCK", 500, "STREAMS", "jobs", ">");
        if (!res) continue;
        const p = r.pipeline();
        for (const [id, fields] of res[0][1]) {
            p.xadd("results", "*", "id", fields[1], "r", String(parseInt(fields[1]) * 2));
            p.xack("jobs", "g", id);
        }
        await p.exec();
    }
    r.quit();
})();
