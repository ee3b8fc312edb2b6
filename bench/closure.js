// Twin of closure.rhai: N bare closure calls bumping a captured counter. V8 inlines
// this, so it only shows how far an interpreter is from a JIT; no target uses it.
// Prints: BENCH name=closure n=N ns=TOTAL
const n = process.argv.length > 2 ? parseInt(process.argv[2]) : 100000;
let count = 0;
const f = () => { count += 1; };

const t0 = process.hrtime();
for (let i = 0; i < n; i++) { f(); }
const t1 = process.hrtime();

if (count !== n) throw new Error(`closure: ran ${count} of ${n}`);
const ns = (t1[0] - t0[0]) * 1e9 + (t1[1] - t0[1]);
console.log(`BENCH name=closure n=${n} ns=${ns}`);
