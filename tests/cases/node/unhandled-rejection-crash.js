// Case: a rejection handled in a nextTick or a microtask is fine; handled in an
// immediate it is too late: the default 'throw' mode crashes (status 1) after the
// 'exit' listeners ran with code 1.
process.on('exit', (c) => console.log(`exit listener code=${c}`));
const p = Promise.reject(new Error('x'));
process.nextTick(() => p.catch(() => console.log('caught in nextTick')));
const q = Promise.reject(new Error('y'));
Promise.resolve().then(() => q.catch(() => console.log('caught in microtask')));
const r = Promise.reject(new Error('z'));
setImmediate(() => r.catch(() => console.log('caught in immediate (too late)')));
