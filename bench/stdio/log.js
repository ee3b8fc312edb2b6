// N console.log lines (or process.stdout.write with "write"), timed with hrtime; the
// BENCH line goes to stderr, stdout is what is measured.
const n = Number(process.argv[2] || 200000);
const how = process.argv[3] || 'log';
const t0 = process.hrtime.bigint();
if (how === 'write') {
  for (let i = 0; i < n; i++) process.stdout.write(`line ${i} of the stdout benchmark\n`);
} else {
  for (let i = 0; i < n; i++) console.log(`line ${i} of the stdout benchmark`);
}
const ns = process.hrtime.bigint() - t0;
process.stderr.write(`BENCH name=${how} n=${n} ns=${ns}\n`);
