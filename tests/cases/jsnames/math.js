// Math: integral results are integers, so they index arrays.
console.log(Math.floor(3.7), Math.floor(-3.2), Math.ceil(3.2), Math.ceil(-3.7), Math.trunc(-3.7), Math.trunc(3.7));
console.log(Math.round(2.5), Math.round(-2.5), Math.round(2.4), Math.round(0.49999999999999994), Math.round(-0.6));
console.log(Math.floor(7), Math.round(7), Math.floor("3.7"), Math.floor(1e300), Math.floor(NaN));
console.log(Math.abs(-5), Math.abs(-2.5), Math.sign(-3), Math.sign(0), Math.sign(2.5), Math.sign(-0.1));
console.log(Math.max(1, 5, 3), Math.min(1, 5, 3), Math.max(2.5, 1), Math.min(-1, 0.5), Math.max(1, 2, 3, 4, 5, 6, 7, 8));
console.log(Math.max(), Math.min(), Math.max(1, NaN), Math.max(3), Math.max("7", 2));
console.log(Math.pow(2, 10), Math.pow(2, 0.5), Math.pow(2, -1), Math.pow(2, 64), Math.sqrt(16), Math.sqrt(2));
console.log(Math.PI, Math.E, Math.log(Math.E), Math.exp(0), Math.log(1), Math.exp(1));
console.log(Math.log2(8), Math.log10(1000), Math.cbrt(27), Math.hypot(3, 4), Math.atan2(1, 1) * 4);
const items = ["a", "b", "c", "d"];
let ok = true;
for (let i = 0; i < 1000; i++) {
  const r = Math.random();
  const pick = items[Math.floor(r * items.length)];
  if (!(r >= 0 && r < 1) || pick === undefined) ok = false;
}
console.log("random in [0, 1) and usable as an index:", ok);
const mid = items[Math.floor(items.length / 2)];
console.log(mid, Math.floor(items.length / 3), Math.ceil(10 / 4.0));
console.log(Math, Number, Object, Array);
