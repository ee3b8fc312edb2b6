// emitWarning is asynchronous: 'warning' listeners get an Error-like object.
process.on('warning', (w) => console.log(`warning event: ${w.name} ${w.message} ${w.code ?? '-'}`));
process.emitWarning('something odd');
process.emitWarning('custom typed', 'MyWarning', 'MY_CODE');
process.emitWarning('with opts', { type: 'T2', code: 'C2', detail: 'more detail here' });
setTimeout(() => {}, 2 ** 31);
console.log('sync end');
