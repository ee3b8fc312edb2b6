// Module for module-closure.js.
function makeCounter(name) {
  let n = 0;
  return function count(step) {
    n += step;
    if (n < 3) {
      setImmediate(() => count(1));
    }
    console.log(`${name}: ${n}`);
    return n;
  };
}

module.exports.makeCounter = makeCounter;
