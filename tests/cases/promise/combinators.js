// Promise combinators and the microtask hops of adoption and finally.
// The timers' delays are far apart (1, 200, 400 ms): a loaded machine pausing the
// script between two of these lines must not change which is due first.
const log = (...a) => console.log(...a);
Promise.all([1, Promise.resolve(2), new Promise((r) => setTimeout(() => r(3), 200))]).then((v) => log('all', JSON.stringify(v)));
Promise.all([]).then((v) => log('all of nothing', JSON.stringify(v)));
Promise.all([Promise.reject(new Error('first bad')), 2]).catch((e) => log('all rejected:', e.message));
Promise.allSettled([Promise.reject(new Error('no')), 1]).then((v) => log('allSettled', JSON.stringify(v.map((x) => x.status))));
Promise.race([new Promise((r) => setTimeout(() => r('slow'), 400)), new Promise((r) => setTimeout(() => r('fast'), 1))]).then((v) => log('race', v));
Promise.any([Promise.reject(new Error('a')), Promise.resolve('b')]).then((v) => log('any', v));
Promise.any([Promise.reject(new Error('a'))]).catch((e) => log('any rejected', e.name, e.message, e.errors.length));
Promise.resolve().then(() => log('a1')).then(() => log('a2')).then(() => log('a3')).then(() => log('a4')).then(() => log('a5'));
Promise.resolve().then(() => { log('b1'); return Promise.resolve('x'); }).then((v) => log('b2', v));
new Promise((r) => r(Promise.resolve('adopted'))).then((v) => log('c', v));
Promise.resolve(1).finally(() => log('finally')).then((v) => log('after finally', v));
Promise.reject(new Error('e')).finally(() => log('finally rejected')).catch((e) => log('caught', e.message));
new Promise(() => { throw new Error('executor threw'); }).catch((e) => log('executor:', e.message));
Promise.resolve(5).then(undefined).then((v) => log('passed through', v));
const p = new Promise((res, rej) => { res('once'); res('twice'); rej(new Error('ignored')); });
p.then((v) => log('settled', v));
