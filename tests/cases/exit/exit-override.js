// process.exit(7) beats exitCode, skips beforeExit and pending timers.
process.on('beforeExit', () => console.log('beforeExit (never)'));
process.on('exit', (code) => console.log('exit', code, process.exitCode));
setTimeout(() => console.log('never'), 100);
process.exitCode = 4;
process.exit(7);
console.log('never: after exit');
