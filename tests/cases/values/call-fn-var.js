// A function value is called like a function: f(x), as in JavaScript (issue 10, point 3).
let inc = (x) => x + 1;
console.log("direct:", inc(2));

// Captured: a closure calling a variable of the scope it was made in.
let double = (x) => x * 2;
let both = (x) => double(inc(x));
console.log("captured:", both(4));
setTimeout(() => console.log("in a timer:", double(21)), 1);

// A script function, and a closure inside a closure, call a top-level function value.
let shout = (s) => `${s}!`;
function announce(s) { return shout(s); }
let outer = (s) => { let inner = (d) => shout(d); return inner.call(null, s); };
console.log("from a function:", announce("fn"), "nested:", outer.call(null, "closure"));

// Passed as an argument and called by its parameter name.
function apply_twice(f, v) { return f(f(v)); }
console.log("parameter:", apply_twice(inc, 5));
let compose = (f, g) => (x) => f(g(x));
console.log("returned:", compose.call(null, double, inc).call(null, 1));

// A callback from a map, and the older spellings, keep working.
let handlers = { onData: (d) => `got ${d}` };
console.log("map property:", handlers.onData("x"));
console.log("call forms:", inc.call(null, 1), inc.call(null, 1));

// JavaScript arity: extra arguments are dropped, missing ones are undefined.
let first = (a) => a;
let pair = (a, b) => `${a}/${b ?? "none"}`;
console.log("arity:", first(1, 2, 3), pair(1), pair(1, 2));

function label(text, width) { return `${text}:${width ?? "default"}`; }
console.log("script fn arity:", label("a"), label("b", 4, "extra"));

// A curried function pointer.
let add = (a, b) => a + b;
let add10 = add.bind(null, 10);
console.log("curried:", add10(5));

// Arguments are evaluated once.
let n = 0;
let count = () => { n += 1; return n; };
inc(count());
console.log("evaluated once:", n);

// A script function of the same name wins over a variable.
function greet(who) { return `fn greets ${who}`; }
console.log(greet("you"));

// Not a function: a TypeError, as in JavaScript.
let notfn = 42;
try { notfn(1); } catch (e) { console.log(e.name, e.message); }
