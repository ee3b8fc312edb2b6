// Case: `x++`, `x--`, `++x`, `--x` on variables, properties and array items, as
// statements and inside expressions, with JavaScript's values (old value for postfix,
// new value for prefix); a counter captured by a callback.
let i = 0;
i++;
i++;
console.log('i:', i);
const a = i++;
const b = ++i;
console.log('a:', a, 'b:', b, 'i:', i);
const c = i--;
const d = --i;
console.log('c:', c, 'd:', d, 'i:', i);

const stats = { started: 0, exited: 0 };
stats.started++;
stats.started++;
stats.exited++;
console.log('started', stats.started, 'exited', stats.exited, 'last', stats.exited--);

const counts = [0, 0, 0];
for (const k of [0, 2, 2, 1, 2]) { counts[k]++; }
console.log(counts);

let pending = 3;
const done = () => { if (--pending == 0) { console.log('all done'); } };
done();
done();
done();

let n = 0;
while (n < 3) { console.log('tick', n++); }
let x = 1.5;
x++;
console.log(x, -x++, x);
