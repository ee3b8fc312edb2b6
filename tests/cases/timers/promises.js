// timers/promises: setTimeout(ms, value) and setImmediate(value) settle in the
// timers and check phases, after nextTicks and in order with the callback forms.
const tp = require("timers/promises");
const tp2 = require("node:timers/promises");
tp2.setTimeout(1).then((v) => {
    console.log("timeout without value:", v === undefined ? null : v);
    setImmediate(() => console.log("immediate callback"));
    tp.setImmediate().then((v) => console.log("first immediate", v === undefined ? null : v));
    tp.setImmediate("from promise").then((v) => console.log("immediate:", v));
    setTimeout(() => {
        console.log("timeout callback");
        tp.setTimeout(20, "late").then((v) => console.log("timeout:", v));
    }, 0);
});
process.nextTick(() => console.log("tick"));
console.log("sync", tp.setTimeout(0).constructor.name);
tp.setTimeout(100000, "never", { ref: false }).then((v) => console.log("unref'd timer fired"));
