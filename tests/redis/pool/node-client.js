// Any language's Redis client can use the pool across machines: this one is Node
// with node-redis, speaking the documented formats (docs/api/redis.md) to a
// `procbox worker`: jobs as XADD on procbox:{queue}:jobs with fields id, reply, job
// (JSON), attempt; answers read from the reply stream (fields id, kind, body, worker).
const redis = require("redis");
const queue = "node";
const c = redis.createClient({ url: process.env.REDIS_URL });
const reply = `procbox:${queue}:replies:node-${process.pid}`;
(async () => {
    await c.connect();
    const jobs = [3, 4, "bad"];
    for (const [i, job] of jobs.entries()) {
        await c.xAdd(`procbox:${queue}:jobs`, "*", { id: `n${i}`, reply, job: JSON.stringify(job), attempt: "1" });
    }
    const answers = {};
    let last = "0";
    while (Object.keys(answers).length < jobs.length) {
        const r = await c.xRead({ key: reply, id: last }, { BLOCK: 10000 });
        for (const m of r[0].messages) {
            last = m.id;
            if (m.message.kind !== "progress") answers[m.message.id] = `${m.message.kind} ${m.message.body}`;
        }
    }
    for (const id of Object.keys(answers).sort()) console.log(`${id}: ${answers[id]}`);
    await c.del(reply);
    await c.quit();
})();
