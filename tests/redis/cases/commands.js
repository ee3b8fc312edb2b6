// Node twin of commands.rhai, on the real node-redis.
const redis = require("redis");
const c = redis.createClient({ url: process.env.REDIS_URL });
c.on("error", (e) => console.log(`client error ${e.message}`));

function show(name, p) {
    return p.then((v) => `${name} ${JSON.stringify(v)}`, (e) => `${name} rejected ${e.name}: ${e.message}`);
}

function entries(streams) {
    return streams.map((s) => `${s.name}: ${s.messages.map((m) => `${m.id} ${JSON.stringify(m.message)}`).join(",")}`);
}

c.get("early").catch((e) => console.log(`before connect: ${e.name}: ${e.message}`));
c.connect().then(() => {
    console.log(`ready ${c.isReady}`);
    Promise.all([
        show("flushDb", c.flushDb()),
        show("set", c.set("k", "v", { EX: 100 })),
        show("setNX", c.set("k", "w", { NX: true })),
        show("get", c.get("k")),
        show("getNil", c.get("nope")),
        show("exists", c.exists(["k", "nope"])),
        show("ttl", c.ttl("k")),
        show("del", c.del("k")),
        show("incr", c.incr("n")),
        show("incrBy", c.incrBy("n", 5)),
        show("expire", c.expire("n", 100)),
        show("hSet", c.hSet("h", { a: "1", b: 2 })),
        show("hSet3", c.hSet("h", "c", "3")),
        show("hGet", c.hGet("h", "a")),
        show("hGetAll", c.hGetAll("h")),
        show("lPush", c.lPush("l", ["a", "b"])),
        show("rPush", c.rPush("l", "c")),
        show("lRange", c.lRange("l", 0, -1)),
        show("lPop", c.lPop("l")),
        show("rPop", c.rPop("l")),
        c.brPop("l", 1).then((r) => `brPop ${r.key} ${r.element}`),
        show("sAdd", c.sAdd("s", ["x", "y"])),
        show("sMembers", c.sMembers("s").then((m) => { m.sort(); return m; })),
        show("zAdd", c.zAdd("z", [{ score: 2, value: "b" }, { score: 1, value: "a" }])),
        show("zAdd1", c.zAdd("z", { score: 3, value: "c" })),
        show("zRange", c.zRange("z", 0, -1)),
        show("xGroupCreate", c.xGroupCreate("st", "g", "0", { MKSTREAM: true })),
        show("xAdd", c.xAdd("st", "1-1", { a: "1" })),
        show("xAddOld", c.xAdd("st", "1-1", { a: "2" })),
        c.xRead({ key: "st", id: "0" }, { COUNT: 10 }).then((r) => `xRead ${entries(r).join(",")}`),
        c.xReadGroup("g", "c1", { key: "st", id: ">" }, { COUNT: 10 }).then((r) => `xReadGroup ${entries(r).join(",")}`),
        c.xPending("st", "g").then((p) => `xPending ${p.pending} ${p.firstId} ${p.lastId} ${p.consumers.map((c) => `${c.name}=${c.deliveriesCounter}`).join(",")}`),
        c.xAutoClaim("st", "g", "c2", 0, "0-0", { COUNT: 10 })
            .then((r) => `xAutoClaim ${r.nextId} ${entries([{ name: "claimed", messages: r.messages }]).join(",")} ${r.deletedMessages.length}`),
        show("xAck", c.xAck("st", "g", "1-1")),
        show("xReadGroupEmpty", c.xReadGroup("g", "c1", { key: "st", id: ">" }, { COUNT: 10, BLOCK: 10 })),
        show("publish", c.publish("ch", "x")),
        show("keys", c.keys("*").then((k) => { k.sort(); return k; })),
        c.scan("0", { MATCH: "h*", COUNT: 100 }).then((r) => `scan ${r.cursor} ${JSON.stringify(r.keys)}`),
        show("sendCommand", c.sendCommand(["PING"])),
        show("unknown", c.sendCommand(["NOSUCH", "x"])),
        show("wrongType", c.incr("h")),
        show("multi", c.multi().set("a", "1").incr("a").get("a").exec()),
        c.multi().set("a", "1").incr("h").exec().then((v) => "multiErr resolved?", (e) => `multiErr ${e.message} ${e.errorIndexes.join(",")} ${e.replies[1].message}`),
    ]).then((lines) => {
        for (const l of lines) { console.log(l); }
        c.quit().then((r) => console.log(`quit ${r} ${c.isReady} ${c.isOpen}`));
    });
});
