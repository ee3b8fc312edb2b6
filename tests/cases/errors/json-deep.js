// JSON.parse takes nesting far deeper than serde_json's default 128 levels.
for (const n of [127, 128, 129, 1000, 5000]) {
  let v = JSON.parse("[".repeat(n) + "]".repeat(n));
  let depth = 0;
  while (Array.isArray(v) && v.length > 0) { v = v[0]; depth += 1; }
  console.log(n, depth + 1);
}
const o = JSON.parse('{"a":'.repeat(300) + "1" + "}".repeat(300));
console.log(JSON.stringify(o).length);
