// Case: `a || b` and `a && b` give back an operand, as in JavaScript, and stop at the
// first operand that decides: defaults (`opt.stdout || "ignore"`), guards
// (`child && child.pid`), and plain booleans, which stay booleans.
function spawnOptions(opt) {
    const stdout = opt.stdout || 'ignore';
    const cwd = opt.cwd || '/';
    const retries = opt.retries || 3;
    return `stdout=${stdout} cwd=${cwd} retries=${retries}`;
}
console.log(spawnOptions({}));
console.log(spawnOptions({ stdout: 'pipe', cwd: '/tmp', retries: 0 }));

let child = null;
console.log('pid:', child && child.pid);
child = { pid: 42 };
console.log('pid:', child && child.pid);

console.log(0 || '' || 'last');
console.log(1 && 'two' && 3);
console.log(0 && 'never');
console.log('' || 0);
console.log(true && false, true || false, false || false, true && true);

// Short-circuit: the right side runs only when needed.
let calls = 0;
const count = () => { calls += 1; return calls; };
const a = 'set' || count();
const b = null || count();
const c = 0 && count();
const d = 1 && count();
console.log(a, b, c, d, 'calls:', calls);

// A condition made of operands decides by truthiness.
const env = { DEBUG: '' };
if (env.DEBUG || env.VERBOSE) { console.log('debug on'); } else { console.log('debug off'); }
env.VERBOSE = '1';
if (env.DEBUG || env.VERBOSE) { console.log('debug on'); }
