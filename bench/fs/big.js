// fs.readFileSync of one big file, READS times (a Buffer each time, dropped).
// Usage: node big.js FILE [READS=5]
// Prints: BENCH name=big n=BYTES ns=TOTAL
const fs = require("fs");
const file = process.argv[2];
const reads = process.argv.length > 3 ? parseInt(process.argv[3]) : 5;
let total = 0;
const t0 = process.hrtime();
for (let i = 0; i < reads; i++) {
    total += fs.readFileSync(file).length;
}
const t1 = process.hrtime();
console.log(`BENCH name=big n=${total} ns=${(t1[0] - t0[0]) * 1000000000 + (t1[1] - t0[1])}`);
