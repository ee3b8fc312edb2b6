// An uncaught Error thrown inside functions: the report's caret and the stack's top
// line point at the same place, and the stack lists the calling functions.
process.on("exit", (c) => console.log("exit", c));
function validate(port) {
    if (port > 65535) {
        throw RangeError(`port out of range: ${port}`);
    }
}
function listen(port) {
    validate(port);
}
console.log("starting");
listen(70000);
