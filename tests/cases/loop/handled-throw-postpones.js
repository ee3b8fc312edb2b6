// A nextTick that throws, handled by uncaughtException: the rest of the drain waits
// until after the next macrotask (Node schedules an immediate for it).
process.on('uncaughtException', (e) => console.log('caught ' + e.message));
process.nextTick(() => { throw new Error('tick1'); });
process.nextTick(() => console.log('tick2'));
Promise.resolve().then(() => console.log('promise'));
setImmediate(() => console.log('immediate'));
