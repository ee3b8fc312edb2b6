// Twin of pipe.rhai: a child writes MIB MiB to its stdout; a 'data' handler counts.
// Prints: BENCH name=pipe n=BYTES ns=TOTAL
const { spawn } = require('child_process');
const mib = process.argv.length > 2 ? parseInt(process.argv[2]) : 1024;
let total = 0;
const t0 = process.hrtime();
const c = spawn('dd', ['if=/dev/zero', 'bs=1M', `count=${mib}`, 'status=none'], { stdio: ['ignore', 'pipe', 'inherit'] });
c.stdout.on('data', (chunk) => { total += chunk.length; });
c.on('close', (code) => {
    const t1 = process.hrtime();
    const ns = (t1[0] - t0[0]) * 1e9 + (t1[1] - t0[1]);
    if (code !== 0 || total !== mib * 1048576) throw new Error(`dd exited with ${code} after ${total} bytes`);
    console.log(`BENCH name=pipe n=${total} ns=${ns}`);
});
