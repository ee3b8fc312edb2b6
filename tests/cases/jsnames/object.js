// Object, Array and JSON globals.
const m = { a: 1, b: "two", c: [3] };
console.log(Object.keys(m), Object.values(m), Object.entries(m));
console.log(Object.keys([7, 8]), Object.keys("hi"), Object.values("hi"), Object.keys({}).length);
const merged = Object.assign({}, m, { d: 4 }, null, { a: 10 });
console.log(merged, Object.keys(m).length);
console.log(Object.fromEntries([["x", 1], ["y", [2]]]), Object.fromEntries(Object.entries(m).map((e) => [e[0], e[0]])));
for (const e of Object.entries({ p: 1, q: 2 })) console.log(e[0], e[1]);
console.log(Array.isArray([1]), Array.isArray("x"), Array.isArray({}), Array.isArray(null));
console.log(Array.from("abc"), Array.from([1, 2]), Array.from({ length: 3 }).length, Array.from({ length: 4 }, (x, i) => i * i));
console.log(Array.of(1, 2, 3), Array.from({ length: 2 }, () => "z"));
console.log(JSON.stringify({ a: [1, 2], b: {}, c: [], d: "x", e: null }, null, 2));
console.log(JSON.stringify([1, { k: true }], null, 4), JSON.stringify({ a: 1 }, null, 0), JSON.stringify({ a: 1 }, null, "--"));
const counts = {};
for (const w of "a b a c b a".split(" ")) counts[w] = (counts[w] ?? 0) + 1;
console.log(Object.entries(counts).sort((x, y) => y[1] - x[1]).map((e) => `${e[0]}=${e[1]}`).join(" "));
console.log(JSON.stringify([1, "a"], null), JSON.stringify({ k: [] }, null, 1));
