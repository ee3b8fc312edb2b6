// fs.readFile (callback form) of every file DIR/0 … DIR/(N-1), all started at once as
// a Node script would; timed until the last callback.
// Usage: node many.js DIR [N=1000] [MODE=callback|promise]
// Prints: BENCH name=many_MODE n=N ns=TOTAL
const fs = require("fs");
const dir = process.argv[2];
const n = process.argv.length > 3 ? parseInt(process.argv[3]) : 1000;
const mode = process.argv.length > 4 ? process.argv[4] : "callback";
let left = n;
let bytes = 0;
const t0 = process.hrtime();
const report = (total) => {
    const t1 = process.hrtime();
    console.log(`BENCH name=many_${mode} n=${n} ns=${(t1[0] - t0[0]) * 1000000000 + (t1[1] - t0[1])}`);
};
if (mode == "promise") {
    const all = [];
    for (let i = 0; i < n; i++) {
        all.push(fs.promises.readFile(`${dir}/${i}`));
    }
    Promise.all(all).then((bufs) => report(bufs.length));
} else {
    for (let i = 0; i < n; i++) {
        fs.readFile(`${dir}/${i}`, (err, data) => {
            if (err) throw err;
            bytes += data.length;
            left -= 1;
            if (left == 0) report(bytes);
        });
    }
}
