// Deterministic pseudo-random numbers: toFixed, toString(radix), parsing, Math.
let seed = 777;
function rnd(n) { seed = (seed * 48271) % 2147483647; return seed % n; }
const chars = "0123456789.-+e xabf";
for (let i = 0; i < 400; i++) {
  const x = (rnd(2000001) - 1000000) / [1, 8, 100, 1000, 7][rnd(5)];
  const d = rnd(6), r = 2 + rnd(35);
  let s = "";
  const n = rnd(7);
  for (let j = 0; j < n; j++) s += chars[rnd(chars.length)];
  const out = [
    x.toFixed(d), x.toString(r), Math.round(x), Math.floor(x), Math.trunc(x), Math.sign(x), Math.abs(x),
    parseInt(s), parseInt(s, r), parseFloat(s), Number(s), isNaN(s), String(x),
  ];
  console.log(`${x} ${d} ${r} ${JSON.stringify(s)} ${out.join(" ~ ")}`);
}
