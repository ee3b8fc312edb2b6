// Node twin of pubsub.rhai, on the real node-redis.
const redis = require("redis");
const pub = redis.createClient({ url: process.env.REDIS_URL });
const sub = pub.duplicate();
let got = 0;
let reached = 0;
sub.on("end", () => console.log("sub end"));

Promise.all([pub.connect(), sub.connect()]).then(() => {
    sub.subscribe("news", (message, channel) => {
        console.log(`news listener: ${message} on ${channel}`);
        got += 1;
        if (got == 2) {
            sub.unsubscribe("news").then(() => pub.publish("news", "unheard").then((n) => {
                console.log(`first reached ${reached}; after unsubscribe, receivers: ${n}`);
                pub.publish("tech.rust", "pattern only");
            }));
        }
    }).then(() => sub.pSubscribe("tech.*", (message, channel) => {
        console.log(`tech.* listener: ${message} on ${channel}`);
        Promise.all([sub.quit(), pub.quit()]).then((r) => console.log(`quit ${r.join(",")}`));
    })).then(() => {
        console.log("subscribed");
        // Printed later: this reply races the message on the other connection.
        pub.publish("news", "first").then((n) => { reached = n; });
        pub.publish("news", "second");
    });
});
