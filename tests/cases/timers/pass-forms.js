// The starters take the function by reference (docs/notes/cb.md): every way to pass
// one still works, and a copy of a closure shares its captured variables.
const m = { f: () => console.log("from a map property") };
setImmediate(m.f);
let k = 0;
const again = () => {
    k += 1;
    if (k < 3) { setImmediate(again); } else { console.log(`chain ran ${k} times`); timers(); }
};
setImmediate(again);
const cleared = setImmediate(() => console.log("never"));
clearImmediate(cleared);
// Started by the chain's end, so the order does not depend on timing.
const timers = () => {
    let n = 0;
    const bump = () => { n += 1; };
    const copy = bump;
    setTimeout(bump);
    setTimeout(copy, 0);
    let times = 0;
    const iv = setInterval(() => {
        times += 1;
        if (times == 2) {
            clearInterval(iv);
            console.log(`interval twice, n = ${n}`);
        }
    });
};
