// An uncaught error: 'exit' listeners run with code 1 before the report; pending
// timers never run; status 1.
process.on('exit', (c) => console.log('exit', c));
setTimeout(() => console.log('never'), 10);
throw new Error('boom');
