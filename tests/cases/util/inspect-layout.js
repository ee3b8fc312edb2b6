// util.inspect's layout, which console.log shares: one line while it fits and nests
// at most three levels, long arrays in aligned columns, "... n more items", and the
// depth / showHidden options (%o shows hidden fields such as [length]).
const util = require("util");
// (String.repeat is another module's work: a loop keeps this case independent.)
function rep(s, n) {
    let out = "";
    for (let i = 0; i < n; i++) out += s;
    return out;
}
const squares = [];
for (let i = 0; i < 26; i++) squares.push(i * i);
const words = [];
for (let i = 0; i < 9; i++) words.push("w" + rep("x", i));
const many = [];
for (let i = 0; i < 103; i++) many.push(i % 7);
const deep = {level1: {level2: {level3: {level4: {level5: "bottom"}}}}};
console.log(squares);
console.log(words);
console.log(many);
console.log([1, 2, 3, 4, 5, 6, 7]);
console.log([1, 2, 3, 4, 5, 6]);
console.log({list: squares, name: "squares", nested: {a: [1, [2, [3, [4]]]]}});
console.log(deep);
console.log(util.inspect(deep, {depth: null}));
console.log(util.inspect(deep, {depth: 0}));
console.log(util.inspect([[1, 2], [3, [4, 5]]], {showHidden: true}));
console.log("%o", words);
console.log([{id: 1, tags: ["a", "b"]}, {id: 2, tags: []}, {id: 3, tags: ["c"]}]);
console.log({k1: rep("x", 30), k2: rep("y", 30)});
console.log({k1: rep("x", 20), k2: rep("y", 20)});
