// Node twin of handle-values.rhai.
function later(f) { return setTimeout(f, 5); }
const t = later(() => console.log("cleared timeout ran"));
clearTimeout(t);
const flag = true;
const i = flag ? setImmediate(() => console.log("cleared immediate ran")) : 0;
clearImmediate(i);
const make = () => setInterval(() => console.log("cleared interval ran"), 1);
const iv = make();
clearInterval(iv);
const kept = [setTimeout(() => console.log("cleared from an array ran"), 1)];
clearTimeout(kept[0]);

process.on("ping", (n) => {
    if (n < 3) { process.emit("ping", n + 1); }
    console.log(`ping ${n}`);
});
process.emit("ping", 1);

let count = 0;
for (let k = 0; k < 3; k++) {
    setTimeout(() => {
        count += 1;
        if (count === 3) { console.log("three discarded timeouts ran"); }
    }, 2);
}
