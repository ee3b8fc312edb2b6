// Node's timing side of the pub/sub round trip (see pubsub-client.rhai).
// Usage: node pubsub-client.js URL N ioredis|redis
const [url, nText, lib] = process.argv.slice(2);
const n = parseInt(nText);
let count = 0, t0;
function done(pub, sub) {
    const ns = process.hrtime.bigint() - t0;
    console.log(`BENCH name=pubsub_${lib} n=${n} ns=${ns}`);
    pub.publish("ping", "stop").then(() => { sub.quit(); pub.quit(); });
}
async function main() {
    let pub, sub;
    const onPong = () => {
        count += 1;
        if (count < n) pub.publish("ping", "hello"); else done(pub, sub);
    };
    if (lib === "ioredis") {
        const Redis = require("ioredis");
        const path = url.replace("unix://", "");
        pub = new Redis({ path }); sub = new Redis({ path });
        sub.on("message", onPong);
        await sub.subscribe("pong");
    } else {
        pub = require("redis").createClient({ url });
        sub = pub.duplicate();
        await Promise.all([pub.connect(), sub.connect()]);
        await sub.subscribe("pong", onPong);
    }
    t0 = process.hrtime.bigint();
    pub.publish("ping", "hello");
}
main();
