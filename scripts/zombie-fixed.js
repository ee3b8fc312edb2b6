// 如何创建和关闭僵尸进程 (the fix): the article's code in CommonJS (the check in
// `close` is added).
const cp = require('child_process'); // from the article's previous example

zombie(); // from the article's previous example

function zombie() {
  if (process.send) {
    console.log(process.ppid, process.pid);
    return process.exit();
  }

  const child = cp.fork(__filename);

  child
    .on('exit', () => {
      console.log('exit');
    })
    .on('close', () => {
      console.log('close');
      // (added) kill(pid, 0) fails with ESRCH once the pid is reaped (a zombie still counts)
      try {
        process.kill(child.pid, 0);
        console.log('the child is still there');
      } catch (e) {
        console.log(`the child is gone: ${e.code}`);
      }
    });
}
