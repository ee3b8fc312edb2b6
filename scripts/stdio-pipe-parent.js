// stdio/stdout 管道 (the parent): the article's parent, with the additions of
// stdio-pipe-parent.rhai (marked): lines, not chunks, and the child's stdin ended once
// it answered.
const { spawn } = require('child_process');

main();

function main() {
  const child = spawn(process.execPath, ['./stdio-pipe-child.js']); // spawn('node', ['./child.js'])

  // 先处理错误输出
  child.stderr.pipe(process.stderr);

  // 监听子进程的输出，从而接收子进程消息
  let pending = ''; // (added) what was read after the last newline
  child.stdout.on('data', function (chunk) {
    pending += chunk.toString('utf-8'); // (added) the article: const str = chunk.toString('utf-8');
    while (pending.includes('\n')) { // (added) one line at a time
      const end = pending.indexOf('\n') + 1; // (added)
      const str = pending.slice(0, end); // (added)
      pending = pending.slice(end); // (added)
      try {
        const { payload, type } = JSON.parse(str);
        if (type === 'msg') {
          console.log(`(收到子进程消息)${payload}`);
          child.stdin.end(); // (added)
        }
      } catch (err) {
        console.log('子进程普通输出:\n' + str);
      }
    }
  });

  sendMsgToChild(child, '你好，我是父进程');
}

// 向子进程传递消息
function sendMsgToChild(child, payload) {
  const str = JSON.stringify({
    type: 'msg',
    payload,
  });
  // 向子进程传递消息
  child.stdin.write(str);
}
