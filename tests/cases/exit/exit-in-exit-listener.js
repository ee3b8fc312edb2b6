// process.exit() inside an 'exit' listener stops the remaining listeners and sets the status.
process.on('exit', (code) => { console.log('exit', code); process.exit(5); });
process.on('exit', (code) => console.log('second exit listener', code));
console.log('main');
