// Seed "NodeJS 内置 IPC" (parent). The article's parent never ends (its channel stays
// open); here it disconnects once the child answered (one added line), so the pair
// finishes.
const { fork } = require('child_process');
const child = fork('./ipc-child.js');

child.send('我是父进程');
child.on('message', (message) => {
  console.log('(来自子进程消息)' + message);
  child.disconnect(); // (added)
});
