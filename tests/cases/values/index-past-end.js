// Reading past the end of an array or a string gives undefined, as in JavaScript
// (issue 10, point 5); so does a negative index.
let name = process.argv[2];
console.log("argument:", name ?? "(none given)", name == undefined);
let port = process.argv[3] ?? "8000";
console.log("port:", port);

let list = [10, 20, 30];
console.log(list[3] ?? "undefined", list[100] ?? "undefined", list[-1] ?? "undefined", list[0]);
let text = "abc";
console.log(text[3] ?? "undefined", text[-1] ?? "undefined", text[1] == "b");
let nested = [[1, 2]];
console.log(nested[1] ?? "undefined", nested[0][5] ?? "undefined");
let m = { list: [] };
console.log(m.list[0] ?? "empty");

// A computed index: a whole number is an index, a fraction is no element.
let middle = list[list.length / 2] ?? "undefined";
let whole = list[list.length - 1.0];
console.log(middle, whole, text[4 / 2], text[1 / 2] ?? "undefined");

// A loop that reads one past the end stops on undefined.
let i = 0;
while (list[i] != undefined) { i += 1; }
console.log("length by scanning:", i);
