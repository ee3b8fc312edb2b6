// Seed "exit() VS exitCode": setting exitCode lets the process end by itself, so the
// pending timer DOES run (the article's comment says otherwise; Node prints it), and
// the status is 1.
setTimeout(() => {
    console.log("我不会执行");
});
process.exitCode = 1;
