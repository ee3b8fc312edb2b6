// Seed "如何理解 process.nextTick？": nextTick runs before any timer, and after
// each timer callback before the next one.
setTimeout(function() {
    console.log("第一个1秒");
    process.nextTick(function() {
        console.log("第一个1秒：nextTick");
    });
}, 1000);
setTimeout(function() {
    console.log("第2个1秒");
}, 1000);
console.log("我要输出1");
process.nextTick(function() {
    console.log("nextTick");
});
console.log("我要输出2");
