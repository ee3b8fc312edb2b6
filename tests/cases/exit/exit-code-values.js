// Validation of process.exitCode values, and exit() keeping exitCode; status mod 256.
const tries = [['"2"', '2'], ['3.5', 3.5], ['"abc"', 'abc'], ['true', true], ['-1', -1], ['256', 256]];
for (const [label, v] of tries) {
  try { process.exitCode = v; console.log(`${label} -> ${process.exitCode}`); }
  catch (e) { console.log(`${label} -> ${e.name} ${e.code}`); }
}
process.exitCode = 9;
process.on('exit', (c) => console.log(`exit ${c}`));
setTimeout(() => { process.exitCode = 265; process.exit(); }, 1);
