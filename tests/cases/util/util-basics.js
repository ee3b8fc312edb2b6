// util.format, util.inspect, util.isDeepStrictEqual and util.callbackify.
const util = require("node:util");

console.log(util.format("%s has %d items (%i%%)", "list", 3, 42.9));
console.log(util.format("%j", { a: [1, "x"] }));
console.log(util.format("%O and %O", [1, 2], { k: "v" }));
console.log(util.format("no args"));
console.log(util.format("extra", 1, "two", { three: 3 }));
console.log(util.format("%s", null), util.format("%d", "12"), util.format("%s:%s", "only"));

console.log(util.inspect("it's"));
console.log(util.inspect({ a: 1, b: "x", c: [true, null], d: { e: { f: { g: 1 } } } }));
console.log(util.inspect([]), util.inspect({}), util.inspect(1.5), util.inspect(null));

console.log(util.isDeepStrictEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }));
console.log(util.isDeepStrictEqual({ a: [1, { b: 2 }] }, { a: [1, { b: "2" }] }));
console.log(util.isDeepStrictEqual([1, 2], [1, 2, 3]));
console.log(util.isDeepStrictEqual(1, 1.0), util.isDeepStrictEqual("a", "a"), util.isDeepStrictEqual(null, 0));

const async_double = (x) => Promise.resolve(x * 2);
const cb_double = util.callbackify(async_double);
cb_double(21, (err, v) => console.log("callbackified:", err, v));
const async_fail = (x) => Promise.reject(new Error("no " + x));
util.callbackify(async_fail)("way", (err, v) => console.log("callbackified error:", err.message));
const async_falsy = () => Promise.reject(null);
util.callbackify(async_falsy)((err) => console.log(err.code, err.message));
console.log("sync first");
// promisify(setTimeout) / promisify(setImmediate) are the timers/promises forms.
util.promisify(setTimeout)(5, "slept").then((v) => {
    console.log("promisified setTimeout:", v);
    return util.promisify(setImmediate)("checked");
}).then((v) => console.log("promisified setImmediate:", v));
// %s shows objects at depth 0.
console.log(util.format("%s|%s|%s", { a: { b: 1 } }, [1, [2, [3]]], 1.5));
