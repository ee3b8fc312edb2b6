// Node twin of offline.rhai, on the real node-redis.
// No server at the address: connect() keeps retrying (its promise stays pending),
// commands wait in the offline queue up to commandsQueueMaxLength, the next one
// rejects; disconnect() rejects what waited and the pending connect.
const redis = require("redis");
const c = redis.createClient({url: "unix:///nonexistent/procbox-redis.sock", commandsQueueMaxLength: 2});
let errors = 0;
c.on("error", (e) => { errors += 1; if (errors == 1) { console.log(`error ${e.message}`); } });
c.on("end", () => console.log("end"));
c.connect().catch((e) => e); // node-redis 6 resolves it on disconnect(), procbox rejects: not printed
c.get("a").catch((e) => console.log(`get a: ${e.message}`));
c.get("b").catch((e) => console.log(`get b: ${e.message}`));
c.get("c").catch((e) => console.log(`get c: ${e.message}`));
c.once("reconnecting", () => {
    console.log(`reconnecting, ready ${c.isReady}, open ${c.isOpen}`);
    c.disconnect().then(() => console.log(`disconnected, open ${c.isOpen}`));
});
