// Closures read the global objects live (rhai option js_global_free_names): callbacks
// nested at several depths use `process` and `console` without capturing a copy, and
// what one sets on `process` (exitCode) is the process's own.
let count = 0;
let tick;
tick = () => {
    count += 1;
    if (count < 3) {
        process.nextTick(tick);
    } else {
        setImmediate(() => {
            console.log(`ticks ${count}`);
            process.exitCode = 3;
        });
    }
};
process.nextTick(tick);
process.on("exit", (code) => console.log(`exit ${code} ${process.exitCode}`));
