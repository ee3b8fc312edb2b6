// stdio/stdout 管道 (the child, started by stdio-pipe-parent.js): the article's child.
process.stdin.on('data', (chunk) => {
  const str = chunk.toString('utf-8');
  try {
    const { payload, type } = JSON.parse(str);
    if (type === 'msg') {
      console.log(`(收到父进程消息)${payload}`);
      sendMsgToParent('你好，我是子进程');
    }
  } catch (err) {
    console.log(`(收到父进程输入)${str}`);
  }
});

function sendMsgToParent(payload) {
  const str = JSON.stringify({
    type: 'msg',
    payload,
  });
  console.log(str);
}
