// Issue 10, point 5: methods give back what Node's give back, so chains and
// assignments see the new value instead of null.
const out = "  v20.1.0\n";
const t = out.trim();
console.log(`chained: ${t}`, t.length, JSON.stringify(out));
const v = out.trim().replace("v", "").padStart(10, ".").toUpperCase();
console.log(v, v.length);
const label = "id".padEnd(4) + "|" + "7".padStart(3, "0");
console.log(label);
const nums = [3, 20, 100, 1];
const sorted = nums.sort((a, b) => a - b);
console.log(sorted, nums, sorted.length);
console.log([0.3, 0.1, 0.2].sort((a, b) => a - b), [1, 2, 3].sort((a, b) => b - a), [2, 1, 2, 1].sort((a, b) => a - b));
console.log([10, 9, 1].sort(), ["10", "9", "1"].sort(), [-1, -2, 3].sort());
const r = [1, 2, 3].reverse();
console.log(r, r.length);
const list = [];
const n1 = list.push("a");
const n2 = list.push("b", "c");
console.log(n1, n2, list);
const words = "b a c".split(" ").sort().reverse().join(",");
console.log(words);
