// Deterministic pseudo-random cases (MINSTD, exact in JS doubles): string and array
// methods, edge positions and non-ASCII text included, against Node's answers.
let seed = 12345;
function rnd(n) { seed = (seed * 48271) % 2147483647; return seed % n; }
const alpha = "ab-, é";
function str(max) { let s = ""; const n = rnd(max + 1); for (let i = 0; i < n; i++) s += alpha[rnd(alpha.length)]; return s; }
function num() { return rnd(21) - 10; }
for (let i = 0; i < 400; i++) {
  const s = str(8), t = str(2), a = num(), b = num();
  const out = [
    s.slice(a), s.slice(a, b), s.substring(a), s.substring(a, b), s.indexOf(t), s.indexOf(t, a),
    s.lastIndexOf(t), s.lastIndexOf(t, Math.abs(a)), s.includes(t), s.includes(t, a), s.startsWith(t, a),
    s.endsWith(t, Math.abs(b)), s.split(t).join("|"), s.split(t, Math.abs(a)).join("|"), s.padStart(Math.abs(a), t),
    s.padEnd(Math.abs(b), t), s.replace(t, "<$&>"), s.replaceAll(t, "_"), s.at(a) ?? "U", s.charAt(a), s.trim(),
    s.localeCompare(t),
  ];
  console.log(`${JSON.stringify(s)} ${JSON.stringify(t)} ${a} ${b} ${out.join(" ~ ")}`);
}
// Arrays: the same for slice, splice, indexOf, includes, at, fill, sort.
const pool = [1, 2, 10, "b", "a", "10", 2.5, true];
for (let i = 0; i < 300; i++) {
  const arr = [];
  const n = rnd(7);
  for (let j = 0; j < n; j++) arr.push(pool[rnd(pool.length)]);
  const v = pool[rnd(pool.length)], a = num(), b = num();
  const c1 = arr.slice(), c2 = arr.slice(), c3 = arr.slice();
  const removed = c1.splice(a, Math.abs(b) % 4, "x");
  const out = [
    arr.slice(a).join(","), arr.slice(a, b).join(","), arr.indexOf(v), arr.indexOf(v, a), arr.includes(v), arr.includes(v, a),
    arr.at(a) ?? "U", removed.join(","), c1.join(","), c2.fill(0, a, b).join(","), c3.sort().join(","),
    arr.slice().sort((x, y) => (x > y ? 1 : x < y ? -1 : 0)).length, arr.lastIndexOf(v), arr.concat(arr.slice(0, 2)).join(","),
  ];
  console.log(`${JSON.stringify(arr)} ${JSON.stringify(v)} ${a} ${b} ${out.join(" ~ ")}`);
}
