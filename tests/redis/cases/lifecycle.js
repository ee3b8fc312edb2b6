// Node twin of lifecycle.rhai, on the real node-redis.
const redis = require("redis");
const a = redis.createClient({ url: process.env.REDIS_URL, name: "procbox-a", database: 2 });
const b = redis.createClient({ url: process.env.REDIS_URL });
for (const ev of ["connect", "ready", "end"]) {
    const name = ev;
    a.on(name, () => console.log(`a ${name} ready=${a.isReady} open=${a.isOpen}`));
}
process.on("exit", (code) => console.log(`exit ${code} a.open=${a.isOpen} b.open=${b.isOpen}`));
a.connect().then(() => a.sendCommand(["CLIENT", "GETNAME"])).then((name) => {
    console.log(`name ${name}`);
    a.set("in-db-2", "yes").then(() => b.connect()).then(() => b.get("in-db-2")).then((v) => {
        console.log(`db 0 sees ${JSON.stringify(v)}`);
        b.unref();
        a.quit().then((r) => {
            console.log(`quit ${r}`);
            a.get("x").catch((e) => console.log(`after quit: ${e.message}`));
        });
    });
});
