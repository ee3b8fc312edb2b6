// Twin of exec.rhai: N sequential exec("/bin/echo hello") captures.
// Prints: BENCH name=exec n=N ns=TOTAL
const { exec } = require('child_process');
const n = process.argv.length > 2 ? parseInt(process.argv[2]) : 300;
let count = 0;
const t0 = process.hrtime();
const next = (err, stdout) => {
    if (err || (count > 0 && stdout !== 'hello\n')) throw new Error(`bad capture: ${stdout}`);
    if (count === n) {
        const t1 = process.hrtime();
        const ns = (t1[0] - t0[0]) * 1e9 + (t1[1] - t0[1]);
        console.log(`BENCH name=exec n=${n} ns=${ns}`);
        return;
    }
    count += 1;
    exec('/bin/echo hello', next);
};
next(null, null);
