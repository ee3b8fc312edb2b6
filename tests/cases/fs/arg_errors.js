// Argument errors of the callback and promise forms: thrown (callbacks) or rejected
// (promises) with Node's codes and messages.
const fs = require("fs");
const fsp = require("fs/promises");
try { fs.readFile("/nonexistent"); } catch (e) { console.log(`readFile(path): ${e.code} | ${e.message}`); }
try { fs.readFile("/nonexistent", "utf8"); } catch (e) { console.log(`readFile(path, enc): ${e.code} | ${e.message}`); }
try { fs.stat("/nonexistent"); } catch (e) { console.log(`stat(path): ${e.code} | ${e.message}`); }
try { fs.readFile(true, () => console.log("never")); } catch (e) { console.log(`readFile(bool, cb): ${e.code} | ${e.message}`); }
try { fs.mkdir("/tmp", 5, 6); } catch (e) { console.log(`mkdir(path, 5, 6): ${e.code} | ${e.message}`); }
// One after another: Node rejects some of these a few microtasks later than others.
fsp.readFile(5)
    .catch((e) => console.log(`promises.readFile(5): ${e.code} | ${e.message}`))
    .then((v) => fsp.stat(true))
    .catch((e) => console.log(`promises.stat(true): ${e.code} | ${e.message}`))
    .then((v) => fsp.readFile("/nonexistent", "bogus"))
    .catch((e) => console.log(`promises.readFile(enc): ${e.code} | ${e.message}`));
console.log("sync end");
