// Seed "exit() VS exitCode": process.exit() ends at once; the timer never runs.
setTimeout(() => {
    console.log("我不会执行");
});
process.exit(0);
