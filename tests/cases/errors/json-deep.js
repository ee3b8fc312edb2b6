// JSON.parse takes nesting far deeper than serde_json's default 128 levels.
// The walk moves each level out (`shift`), as the Rhai case does (there `v[0]` and
// `Array.isArray(v)` would copy what is left of the value at each level).
for (const n of [127, 128, 129, 1000, 5000]) {
  let v = JSON.parse("[".repeat(n) + "]".repeat(n));
  let depth = 0;
  while (Array.isArray(v) && v.length > 0) { v = v.shift(); depth += 1; }
  console.log(n, depth + 1);
}
const o = JSON.parse('{"a":'.repeat(300) + "1" + "}".repeat(300));
console.log(JSON.stringify(o).length);
