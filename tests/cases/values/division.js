// Numbers divide as JavaScript's do (issue 10, point 5): an exact integer division
// stays an integer, any other gives a fraction; by zero gives Infinity or NaN.
console.log(10 / 4, 10 / 5, -7 / 2, 7 / -7, 1 / 3);
let a = 10;
let b = 4;
let zero = 0;
console.log(a / b, a / 5, a / zero, -a / zero, zero / zero);
console.log(a % 3, -a % 3, a % zero);
console.log(`${a / b} ${a / zero} ${zero / zero} ${a / 2}`);

// Compound assignment.
let x = 10;
x /= 4;
let y = 9;
y /= 3;
let z = 7;
z %= zero;
console.log(x, y, z);

// Mixed and float arithmetic as before.
console.log(10.0 / 4, 10 / 4.0, 2.5 * 2, 0.1 + 0.2);

// Integral results are still integers: loops and indexes are unchanged.
let items = ["a", "b", "c", "d"];
let mid = items[items.length / 2];
console.log("middle:", mid);
let total = 0;
for (let i = 0; i < 10; i++) { total += i / 2; }
console.log("total:", total);
let avg = (3 + 4) / 2;
console.log("average:", avg, "rounded:", Math.round(avg));
