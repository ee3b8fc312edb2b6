// Case: with an 'unhandledRejection' listener nothing crashes; a handler attached
// later emits 'rejectionHandled' after the handler itself ran. Status 0.
process.on('unhandledRejection', (r, p) => console.log(`unhandledRejection: ${typeof r === 'object' ? r.message : r}`));
process.on('rejectionHandled', (p) => console.log('rejectionHandled'));
const p = Promise.reject(new Error('late'));
setTimeout(() => p.catch(() => console.log('caught late')), 10);
Promise.reject(7);
process.on('exit', (c) => console.log(`exit ${c}`));
