// A listener of 'exit' that throws: the error is printed and the status is 1.
process.on('exit', (c) => { console.log('exit', c); throw new Error('in exit'); });
console.log('main');
