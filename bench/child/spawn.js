// Twin of spawn.rhai: N sequential spawns of /bin/true, each waited for.
// Prints: BENCH name=spawn_STDIO n=N ns=TOTAL
const { spawn } = require('child_process');
const n = process.argv.length > 2 ? parseInt(process.argv[2]) : 500;
const stdio = process.argv.length > 3 ? process.argv[3] : 'inherit';
let count = 0;
const t0 = process.hrtime();
const next = (code) => {
    if (code != null && code !== 0) throw new Error(`/bin/true exited with ${code}`);
    if (count === n) {
        const t1 = process.hrtime();
        const ns = (t1[0] - t0[0]) * 1e9 + (t1[1] - t0[1]);
        console.log(`BENCH name=spawn_${stdio} n=${n} ns=${ns}`);
        return;
    }
    count += 1;
    spawn('/bin/true', [], { stdio }).on('close', next);
};
next(null);
