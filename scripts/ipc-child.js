// Seed "NodeJS 内置 IPC" (child).
process.on('message', (msg) => {
  console.log('(来自父进程消息)' + msg);
  process.send('我是子进程');
});
