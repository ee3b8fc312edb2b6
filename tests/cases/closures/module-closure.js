// Node twin of module-closure.rhai.
const counters = require('./counter.lib');

const a = counters.makeCounter('a');
const b = counters.makeCounter('b');
console.log(`first call returns ${a(1)}`);
process.nextTick(() => console.log(`from nextTick: ${b(2)}`));
setImmediate(a, 10); // the closure itself as the callback
