// Node twin of pipeline.rhai, on the real node-redis.
const redis = require("redis");
const c = redis.createClient({ url: process.env.REDIS_URL });
c.connect().then(() => {
    c.del("counter");
    const order = [];
    const ps = [];
    for (let i = 0; i < 2000; i++) {
        ps.push(c.incr("counter").then((n) => { order.push(n); return n; }));
        if (i % 500 == 0) {
            ps.push(c.get("counter").then((v) => { order.push(`get ${v}`); return v; }));
        }
    }
    Promise.all(ps).then((all) => {
        let bad = 0;
        let next = 1;
        for (const x of order) {
            if (typeof x == "string") {
                if (x != `get ${next - 1}`) { bad += 1; }
            } else {
                if (x != next) { bad += 1; }
                next += 1;
            }
        }
        console.log(`${all.length} replies, ${bad} out of order, last ${order[order.length - 1]}`);
        c.quit();
    });
});
