// Callbacks get the arguments they declare: none, one, or more than Node passes.
process.on('exit', () => console.log('exit, no parameters'));
process.on('exit', (code) => console.log(`exit, code=${code}`));
process.on('exit', (code, extra) => console.log(`exit, code=${code} extra=${extra === undefined ? 'undefined' : extra}`));
process.on('beforeExit', () => console.log('beforeExit, no parameters'));
process.nextTick((a, b) => console.log(`nextTick args ${a} ${b}`), 1, 2);
setTimeout((a) => console.log(`timeout arg ${a}`), 1, 'x');
