// Numbers: toFixed, toString(radix), the conversions and the Number object.
console.log((3.14159).toFixed(2), (2.5).toFixed(0), (-2.5).toFixed(0), (1.005).toFixed(2), (0.125).toFixed(2));
console.log((42).toFixed(2), (1e21).toFixed(2), (-0.0001).toFixed(2), (123.456).toFixed(), (0.1 + 0.2).toFixed(10));
console.log((255).toString(16), (255).toString(2), (-255).toString(36), (3.75).toString(16), (0.1).toString(3));
console.log((10).toString(), (2.5).toString(), (1e21).toString(), (0.1 + 0.2).toString());
console.log(Number("12"), Number(" 2.5 "), Number(""), Number("0x1f"), Number("12px"), Number(true));
console.log(Number("-Infinity"), Number("1e3"), Number(".5"), Number([7]), Number("0b101"));
console.log(String(12), String(12.5), String(true), String([1, 2]), String("s"), String(0.1 + 0.2));
console.log(Boolean(""), Boolean("0"), Boolean(0), Boolean(0.5), Boolean([]), Boolean(NaN));
console.log(parseInt("42px"), parseInt("  -17"), parseInt("0x1F"), parseInt("ff", 16), parseInt("101", 2), parseInt("z", 36));
console.log(parseInt("px"), parseInt("9", 8), parseInt(12.9), parseInt("123456789012345678901"));
console.log(parseFloat("3.14abc"), parseFloat(".5"), parseFloat("-1e3x"), parseFloat("abc"), parseFloat("  7  "));
console.log(isNaN("x"), isNaN("12"), isNaN(NaN), isNaN(1), isFinite("5"), isFinite(Infinity));
console.log(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, Number.isInteger(5), Number.isInteger(5.0), Number.isInteger(5.5));
console.log(Number.isInteger("5"), Number.isSafeInteger(2 ** 53), Number.isNaN("x"), Number.isNaN(NaN), Number.EPSILON);
console.log(NaN, Infinity, -Infinity, NaN == NaN, Number.MAX_VALUE);
const n = Number("7");
console.log(n + 1, `${n}`, [10, 20, 30, 40, 50, 60, 70, 80][n], parseInt("3") * 2);
console.log(Number.parseInt("08"), Number.parseFloat("1.5e2"));
for (const bad of [-1, 101]) {
  try {
    (1).toFixed(bad);
  } catch (e) {
    console.log(e.name, e.message);
  }
}
try {
  (1).toString(1);
} catch (e) {
  console.log(e.name, e.message);
}
