// Case: conditions take any value with JavaScript truthiness: (), false, 0, 0.0, "" are
// false, everything else (strings, arrays, maps, functions) is true. `if`, `while`,
// `do … while`, `!x`, and the ternary all decide the same way.
const values = [null, false, true, 0, 1, -1, 0.0, 0.5, '', '0', 'x', [], {}];
const names = ['null', 'false', 'true', '0', '1', '-1', '0.0', '0.5', "''", "'0'", "'x'", '[]', '{}'];
for (let i = 0; i < values.length; i++) {
    const v = values[i];
    let seen = '';
    if (v) { seen += ' if'; } else { seen += ' else'; }
    if (!v) { seen += ' not'; }
    if (!!v) { seen += ' notnot'; }
    seen += v ? ' yes' : ' no';
    console.log(names[i] + seen);
}

// A child's exit code decides, as in `if (code) { … }`.
const w = { code: 0 };
if (w.code) { console.log('failed with', w.code); } else { console.log('exited cleanly'); }
w.code = 2;
if (w.code) { console.log('failed with', w.code); }

// `while (queue.length)` drains a queue.
const queue = ['a', 'b', 'c'];
while (queue.length) {
    console.log('took', queue.shift());
}

// A countdown in `do … while (n)`.
let n = 3;
do {
    console.log('n =', n);
    n -= 1;
} while (n);

// A missing option is falsy.
const opts = { verbose: undefined };
if (!opts.verbose) { console.log('quiet'); }
const name = '';
if (!name) { console.log('no name'); }
