// Seed "如何理解 process.nextTick？": splitting a big task in two with nextTick so
// other work queued meanwhile is not starved behind one long callback.
function doPartThing() { console.log("part 1 done"); }
function finishThing() { console.log("part 2 done"); }

// 被拆分成2个函数执行
function BigThing() {
    doPartThing();
    process.nextTick(() => finishThing());
}
BigThing();
console.log("BigThing returned; part 2 runs on the next tick");
