// Case: reserved words as property names and map keys (`#{debug: true}`, `o.print`,
// `o.this`, `o.fn`, `o.type`…), `for k in map` iterating the keys, and `null` /
// `undefined` as names for `()`.
const opts = { debug: true, async: false, default: 'x', type: 'fork', fn: 'handler', this: 1 };
console.log(opts.debug, opts.async, opts.default, opts.type, opts.fn, opts.this);
const o = {};
o.print = 'p';
o.new = 'n';
o.let = 2;
o.return = 3;
o.if = 'i';
console.log(o.print, o.new, o.let, o.return, o.if, o?.print);

// Keys in alphabetical order: Rhai maps are sorted, JavaScript objects keep insertion
// order, and the two agree when the keys are written sorted.
const env = { A: '1', B: '2', C: '3' };
let seen = '';
for (const k in env) { seen += k + '=' + env[k] + ' '; }
console.log(seen);
let total = 0;
for (const key of Object.keys({ a: 1, b: 2 })) { total += 1; }
console.log('keys:', total);

const nothing = null;
const missing = undefined;
console.log(nothing == missing, nothing == null, 0 == null, opts.nope == undefined);
const cfg = { timeout: null };
console.log(cfg.timeout ?? 'default timeout');
if (cfg.timeout == null) { console.log('no timeout'); }
