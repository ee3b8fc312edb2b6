// Node twin of stdio-pipe-parent.rhai (the article's parent, reading line by line and
// ending the child's stdin once it answered).
const { spawn } = require('child_process');

main();

function main() {
  const child = spawn(process.execPath, ['./stdio-pipe-child.js']);

  // 先处理错误输出
  child.stderr.pipe(process.stderr);

  // 监听子进程的输出，从而接收子进程消息
  let pending = '';
  child.stdout.on('data', function (chunk) {
    pending += chunk.toString('utf-8');
    while (pending.includes('\n')) {
      const end = pending.indexOf('\n') + 1;
      const str = pending.slice(0, end);
      pending = pending.slice(end);
      try {
        const { payload, type } = JSON.parse(str);
        if (type === 'msg') {
          console.log(`(收到子进程消息)${payload}`);
          child.stdin.end();
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
