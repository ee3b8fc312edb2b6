// AssertionError fields and Node 20's messages for the simple cases.
const assert = require("assert");
function t(f) {
    try {
        f();
        console.log("passed");
    } catch (e) {
        console.log(JSON.stringify([e.name, e.code, e.message, e.actual, e.expected, e.operator, e.generatedMessage]));
    }
}
// A caught error as `actual`: only its message (Node's JSON hides an Error's fields).
function t2(f) {
    try {
        f();
    } catch (e) {
        console.log(JSON.stringify([e.message, e.actual.message, e.expected, e.operator]));
    }
}
t(() => assert.ok(false));
t(() => assert.ok(0));
t(() => assert(false));
t(() => assert.ok(false, "custom msg"));
t(() => assert.ok());
t(() => assert.ok(1));
t(() => assert.equal(1, 2));
t(() => assert.equal("a", "b"));
t(() => assert.equal(1, "1"));
t(() => assert.notEqual(1, 1));
t(() => assert.strictEqual(1, 2));
t(() => assert.strictEqual("a", "b"));
t(() => assert.strictEqual(1, "1"));
t(() => assert.strictEqual(1.5, 2));
t(() => assert.strictEqual("hello world", "hello there"));
t(() => assert.strictEqual(1, 2, "my message"));
t(() => assert.strictEqual("hello world", "hello there", "custom"));
t(() => assert.notStrictEqual(1, 1));
t(() => assert.notStrictEqual("x", "x"));
t(() => assert.notStrictEqual(1, 2));
t(() => assert.deepStrictEqual({ a: 1 }, { a: 2 }));
t(() => assert.deepStrictEqual([1, 2], [1, 3]));
t(() => assert.deepStrictEqual(1, 2));
t(() => assert.deepStrictEqual({ a: 1 }, { a: 2 }, "custom"));
t(() => assert.deepStrictEqual([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 3, 4, 5, 6, 7, 9]));
t(() => assert.deepStrictEqual({ a: 1, b: [1, 2] }, { a: 1, b: [1, 2], c: "x" }));
t(() => assert.deepStrictEqual({ a: [1, { b: "c" }] }, { a: [1, { b: "c" }] }));
t(() => assert.throws(() => {}));
t(() => assert.throws(() => {}, "msg here"));
t(() => assert.throws(() => { throw new Error("x") }));
t2(() => assert.throws(() => { throw new Error("x") }, { message: "y" }));
t2(() => assert.throws(() => { throw new Error("x") }, { message: "x", name: "TypeError" }));
t(() => assert.throws(() => { throw new Error("x") }, { message: "x" }));
t2(() => assert.throws(() => { throw new Error("x") }, (e) => e.message == "y"));
t(() => assert.fail());
t(() => assert.fail("boom"));
t(() => assert.ok(false, new Error("thrown as is")));

assert.rejects(Promise.resolve(1)).catch((e) => console.log("rejects:", e.message, e.operator));
assert.rejects(() => Promise.reject(new Error("r")), { message: "r" }).then((v) => console.log("rejects ok"));
assert.rejects(Promise.reject(new Error("r")), { message: "s" }).catch((e) => console.log(e.message));
// A call over several lines is quoted with its indentation normalised, as Node does.
try {
    assert.ok(
        1 >
            2,
    );
} catch (e) {
    console.log(JSON.stringify(e.message));
}
// deepEqual (loose), notDeepEqual, notDeepStrictEqual, ifError.
t(() => assert.deepEqual({ a: [1, "2"] }, { a: ["1", 2] }));
t(() => assert.deepEqual({ a: 1 }, { a: 2 }));
t(() => assert.deepEqual([1, 2], [1, 2, 3]));
t(() => assert.notDeepEqual({ a: 1 }, { a: "1" }));
t(() => assert.notDeepEqual({ a: 1 }, { a: 2 }));
t(() => assert.notDeepStrictEqual({ a: 1 }, { a: 1 }));
t(() => assert.notDeepStrictEqual(1, "1"));
t(() => assert.ifError(null));
t2(() => assert.ifError(new Error("boom")));
t(() => assert.ifError("str"));
t(() => assert.ifError(0));
// doesNotThrow, doesNotReject.
t2(() => assert.doesNotThrow(() => { throw new Error("x") }));
t2(() => assert.doesNotThrow(() => { throw new Error("x") }, "why"));
t(() => assert.doesNotThrow(() => 1));
assert.doesNotReject(Promise.reject(new Error("r"))).catch((e) => console.log(JSON.stringify([e.message, e.operator])));
assert.doesNotReject(Promise.resolve(1)).then((v) => console.log("fine"));
