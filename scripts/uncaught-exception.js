// Seed "如何处理为捕获的异常？": an uncaughtException listener catches the error; exit status 0.
process.on("uncaughtException", (err, origin) => {
    console.log(err.message);
});
const a = 1 / b;
console.log("abc"); // 不会执行
