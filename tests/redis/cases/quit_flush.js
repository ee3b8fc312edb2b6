// Node twin of quit_flush.rhai, on the real node-redis.
const redis = require("redis");
const c = redis.createClient({ url: process.env.REDIS_URL });
c.on("end", () => console.log("end"));
c.connect().then(() => {
    let last;
    for (let i = 0; i < 100; i++) {
        last = c.incr("quit-counter");
    }
    last.then((n) => console.log(`last incr ${n}`));
    c.quit().then((r) => console.log(`quit ${r}`));
    c.get("quit-counter").catch((e) => console.log(`after quit: ${e.message}`));
});
