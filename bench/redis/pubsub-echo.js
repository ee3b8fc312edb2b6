// Node's echo side of the pub/sub round trip. Usage: node pubsub-echo.js URL ioredis|redis
const [url, lib] = process.argv.slice(2);
async function main() {
    if (lib === "ioredis") {
        const Redis = require("ioredis");
        const path = url.replace("unix://", "");
        const pub = new Redis({ path }), sub = new Redis({ path });
        sub.on("message", (ch, m) => {
            if (m === "stop") { sub.quit(); pub.quit(); } else { pub.publish("pong", m); }
        });
        await sub.subscribe("ping");
    } else {
        const pub = require("redis").createClient({ url });
        const sub = pub.duplicate();
        await Promise.all([pub.connect(), sub.connect()]);
        await sub.subscribe("ping", (m) => {
            if (m === "stop") { sub.quit(); pub.quit(); } else { pub.publish("pong", m); }
        });
    }
    console.log("ready");
}
main();
