// fs callbacks run in the poll phase and promise settlements as microtasks there:
// inside them, setImmediate comes before setTimeout(0), and ticks before promise jobs.
const fs = require("fs");
const path = require("path");
const d = fs.mkdtempSync(path.join(require("os").tmpdir(), "procbox-order-"));
const f = path.join(d, "f.txt");
fs.writeFileSync(f, "data");

function step3(f, d) {
    fs.promises.stat(f).then((s) => {
        console.log(`3 promise settled: size ${s.size}`);
        setTimeout(() => {
            console.log("3 timeout");
            fs.rm(d, {recursive: true}, (err) => console.log(`rm: ${err == null} ${fs.existsSync(d)}`));
        }, 0);
        setImmediate(() => console.log("3 immediate"));
        process.nextTick(() => console.log("3 tick"));
    });
}

function step2(f, d) {
    fs.stat(f, (err, s) => {
        console.log(`2 callback: ${s.isFile()}`);
        process.nextTick(() => console.log("2 tick"));
        Promise.resolve().then((v) => console.log("2 microtask"));
        queueMicrotask(() => console.log("2 queueMicrotask"));
        setImmediate(() => { console.log("2 immediate"); step3(f, d); });
        console.log("2 callback end");
    });
}

fs.readFile(f, (err, data) => {
    console.log(`1 callback: ${data.length} bytes`);
    setTimeout(() => { console.log("1 timeout"); step2(f, d); }, 0);
    setImmediate(() => console.log("1 immediate"));
});
console.log("0 sync end");
