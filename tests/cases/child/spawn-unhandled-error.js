// Node twin of spawn-unhandled-error.rhai.
const { spawn } = require('child_process');
process.on('exit', (code) => console.log(`exit ${code}`));
const c = spawn('no-such-command-xyz');
c.on('close', () => console.log('never: the error was not handled'));
setTimeout(() => console.log('never: the process crashed first'), 1000);
console.log('spawned');
