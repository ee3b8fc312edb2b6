// Case: single-quoted strings, the article's spelling: `require('child_process')`, one
// character or many, JavaScript's escapes; a one-character string equals the character
// Rhai gives for `s[0]`; template literals with escapes.
const cp = require('child_process');
const out = cp.execSync('echo hi').toString();
console.log('execSync:', out == 'hi\n' ? 'hi' : out);

const s = 'it\'s a "quoted" word';
console.log(s);
console.log('tab\there', 'new\\nline', '\x41\u0042\u{43}');
console.log('a' + 'b' + "c", 'a'.length, ''.length, 'abc'.length);
console.log('x' == "x", "abc"[0] == 'a', 'a' != 'b');
const sep = ',';
console.log("1,2,3".split(sep).length);
const m = { 'key': 'value' };
console.log(m['key'], m.key);
console.log(`${'templ'}ate`);
const pid = 42;
console.log(`pid\t${pid}\n\`done\``);
console.log(`two
lines`);
