// require("events") is EventEmitter itself; events.once; defaultMaxListeners and the
// MaxListenersExceededWarning; setMaxListeners/getMaxListeners.
const EE = require("events");
const e = new EE();
const e2 = new (require("node:events").EventEmitter)();
const e3 = new EE.EventEmitter();
console.log(e.constructor.name, e2.constructor.name, e3.constructor.name);

process.on("warning", (w) => console.log(w.name, w.message, w.count, w.type));
for (let i = 0; i < 11; i++) e.on("x", () => {});
for (let i = 0; i < 12; i++) e.on("x", () => {});
const f = new EE();
f.setMaxListeners(2);
f.on("y", () => {}); f.on("y", () => {}); f.on("y", () => {});
console.log(EE.defaultMaxListeners, f.getMaxListeners(), e.getMaxListeners());
const g = new EE();
g.setMaxListeners(0);
for (let i = 0; i < 20; i++) g.on("z", () => {});

EE.once(e2, "ready").then((args) => console.log("once resolved:", args));
e2.emit("ready", 1, "two");
e2.emit("ready", 3);
EE.once(e3, "data").catch((err) => console.log("once rejected:", err.message, e3.listenerCount("data"), e3.listenerCount("error")));
e3.emit("error", new Error("bad"));
require("events").once(process, "custom").then((args) => console.log("process once:", args));
process.emit("custom", 7);
EE.defaultMaxListeners = 1;
const h = new EE();
h.on("w", () => {}); h.on("w", () => {});
console.log("default now", EE.defaultMaxListeners, h.getMaxListeners());
