// Errors caught by try look like Node's (issue 10, point 8): the class in e.name,
// Node's message, and a stack whose frames name the calling functions.
try { nope + 1; } catch (e) { console.log(e.name, e.message); }
try { let x = 1; x.nomethod(); } catch (e) { console.log(e.name, e.message); }
try { let o = { a: {} }; o.a.run(); } catch (e) { console.log(e.name, e.message); }
try { missing_function(1); } catch (e) { console.log(e.name, e.message); }

function forever(n) { return forever(n + 1); }
try { forever(0); } catch (e) { console.log(e.name, e.message); }

// A thrown Error passes through unchanged, own fields included.
try {
    let err = Error("custom failure");
    err.code = "E_CUSTOM";
    throw err;
} catch (e) {
    console.log(e.name, e.message, e.code);
}
try { throw TypeError("typed"); } catch (e) { console.log(e.name, e.message); }
try { throw { plain: true }; } catch (e) { console.log(e); }

// Stack frames: the innermost function first, then each caller.
function inner(v) {
    v.frobnicate();
}
function outer(v) {
    inner(v);
}
try {
    outer(1);
} catch (e) {
    let lines = e.stack.split("\n");
    console.log(lines[0]);
    console.log("frames:", lines[1].split(" ")[5], lines[2].split(" ")[5]);
}

// The same error reaching uncaughtException has the same shape.
process.on("uncaughtException", (e) => console.log("uncaught:", e.name, e.message));
setTimeout(() => undefined_in_timer + 1, 1);
