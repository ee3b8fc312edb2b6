// JS names on arrays; callbacks get (item, index, array) as many as they declare.
const a = [3, 1, 10, 2];
console.log(a.length, a.push(7), a.length, a);
console.log(a.sort(), a);
console.log([10, 9, 1].sort(), ["b", "a", "C"].sort(), [true, false, 2, "x", 1.5].sort());
console.log([3, 1, 10, 2].sort((x, y) => x - y), [3, 1, 10, 2].sort((x, y) => y - x));
console.log([0.5, 0.25, 1.5, -2].sort((x, y) => x - y), [2, 1].reverse());
const people = [{ n: "b", age: 30 }, { n: "a", age: 25 }, { n: "c", age: 30 }];
console.log(people.sort((p, q) => p.age - q.age).map((p) => p.n).join(""));
console.log(a.map((x) => x * 2), a.map((x, i) => x * i), a.map((x, i, arr) => arr.length - i));
console.log(a.filter((x) => x > 2), a.filter((x, i) => i % 2 == 0), a.filter((x) => x > 100));
console.log(a.reduce((s, x) => s + x), a.reduce((s, x) => s + x, 100), a.reduce((s, x, i) => s + i, ""));
console.log(a.reduce((acc, x) => acc.concat([x, x]), []).length, [5].reduce((s, x) => s + x));
try {
  [].reduce((s, x) => s + x);
} catch (e) {
  console.log(e.name, e.message);
}
console.log(a.find((x) => x > 5), a.find((x) => x > 50) === undefined, a.findIndex((x) => x > 5), a.findIndex((x) => x < 0));
console.log(a.some((x) => x > 9), a.some((x) => x > 99), a.every((x) => x > 0), a.every((x, i) => i < 2));
a.forEach((x, i, arr) => console.log(`${i}: ${x} of ${arr.length}`));
[1, 2].forEach((x) => console.log("item", x));
console.log(a.join("-"), a.join(), a.join(""), [1, null, 2].join("+"), [[1, 2], [3]].join(";"));
console.log(a.slice(1, 3), a.slice(-2), a.slice(), a.slice(3, 1));
console.log(a.includes(10), a.includes(4), ["x", "y"].includes("y"), [1.0, 2].includes(1), [NaN].includes(NaN));
console.log(a.indexOf(2), a.indexOf(99), a.indexOf(3, 1), [1, 2, 1].lastIndexOf(1));
console.log(a.slice(0, 2).concat([1, 2], 3), a.concat().length, [[1, [2, [3]]], 4].flat(), [[1, [2, [3]]]].flat(2));
console.log([1, 2, 3].flatMap((x) => [x, x * 10]), [1, 2].flatMap((x) => x));
const b = [1, 2, 3, 4, 5];
console.log(b.splice(1, 2), b.join());
console.log(b.splice(-1), b.join());
console.log(b.splice(1, 0, "x", "y"), b.join());
console.log(b.splice(1, 1, ["nested"]), b.length, b[1]);
console.log(b.splice(1), b.join(), b.at(0), b.at(-1), b.at(5) === undefined);
console.log(b.unshift(0), b.unshift(-2, -1), b.join());
console.log([1, 2, 3, 4].fill(0), [1, 2, 3, 4].fill(9, 2), [1, 2, 3, 4].fill(7, 1, -1));
console.log(Array.from(["a", "b"].keys()), Array.from(["a", "b"].entries()));
console.log([1, [2, 3]].toString(), String([1, 2]), [].toString() === "");
const words = "the quick brown fox".split(" ");
console.log(words.map((w) => w.length).reduce((x, y) => Math.max(x, y)), words.filter((w) => w.includes("o")).join(","));
