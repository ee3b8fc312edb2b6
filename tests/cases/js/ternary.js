// Case: `cond ? a : b`, nested (right to left), inside calls, template strings and map
// literals, with any value as the condition; `?.`, `??` and `?[` keep their meaning.
function sign(n) { return n > 0 ? 'positive' : n < 0 ? 'negative' : 'zero'; }
for (const n of [5, -2, 0]) { console.log(n, sign(n)); }

const code = 1;
console.log(`exited ${code == 0 ? 'ok' : 'with code ' + code}`);
const status = { ok: code == 0 ? true : false, label: code ? 'failed' : 'ok' };
console.log(status.ok, status.label);

let signal = null;
console.log(signal ? `killed by ${signal}` : 'not killed');
signal = 'SIGTERM';
console.log(signal ? `killed by ${signal}` : 'not killed');

const plural = (n) => n == 1 ? 'child' : 'children';
console.log(1, plural(1), 3, plural(3));

// Only the chosen branch runs.
const ran = [];
const pick = true ? ran.push('then') : ran.push('else');
console.log(ran);

const opts = { timeout: undefined };
console.log(opts?.timeout ?? 1000);
const list = [10, 20];
console.log(list?.[1], (list.length > 1) ? list[1] : list[0]);
