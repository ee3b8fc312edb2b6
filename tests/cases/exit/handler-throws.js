// An error thrown inside the uncaughtException handler: status 7, no 'exit' event.
process.on('uncaughtException', (err) => { console.log('handler:', err.message);
  throw new Error('thrown inside handler'); });
process.on('exit', (c) => console.log('exit', c));
throw new Error('original');
