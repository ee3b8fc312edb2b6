// Seed "如何处理信号量（signal）？": a resumed stdin keeps the process alive; Ctrl+C
// (SIGINT) reaches the listener instead of killing the process; Ctrl+D ends stdin
// and so the process.
process.stdin.resume(); // 必须加，要不然程序会退出，因为没监听data时间，所以是可读流的暂停模式

process.on('SIGINT', function () {
  // Ctrl+C 强行终止命令，会发送 SIGINT 信号量
  console.log('Received SIGINT. Press Control-D to exit.');
});

console.log(`本进程的id是: ${process.pid}`); // 进程id，方便外界 kill
