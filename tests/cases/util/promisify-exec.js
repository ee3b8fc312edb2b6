// util.promisify(exec) and execFile: resolve {stdout, stderr}, reject with an
// error carrying code, stdout and stderr; a plain callback-last function resolves
// its first value; a sync throw rejects; util.promisify.custom is honoured.
const util = require("util");
const cp = require("node:child_process");

const run = util.promisify(cp.exec);
// One after the other, so the order does not depend on which child ends first.
run("echo hi").then((r) => {
    console.log("chained:", r.stdout.trim());
    console.log("stderr empty:", r.stderr == "");
    return run("echo oops >&2; exit 3");
}).catch((e) => {
    console.log("rejected:", e.code, JSON.stringify(e.stdout), JSON.stringify(e.stderr));
    return util.promisify(cp.execFile)("echo", ["a", "b"]);
}).then((r) => {
    console.log("execFile:", JSON.stringify(r.stdout));
    const later = (a, b, cb) => setTimeout(() => cb(null, a + b, "ignored"), 1);
    const p = util.promisify(later)(2, 3);
    console.log("is promise:", util.types.isPromise(p), util.types.isPromise(5));
    return p;
}).then((v) => console.log("sum:", v));

const failing = (cb) => cb(new Error("bad"));
util.promisify(failing)().catch((e) => console.log("failed:", e.message));

const throwing = (cb) => { throw new Error("sync throw"); };
util.promisify(throwing)().catch((e) => console.log("thrown:", e.message));

const obj = () => {};
obj[util.promisify.custom] = () => Promise.resolve("custom!");
util.promisify(obj)().then((v) => console.log("custom:", v));

try {
    util.promisify(5);
} catch (e) {
    console.log(e.code, e.message);
}
