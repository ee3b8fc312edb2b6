// Node twin of zombie-fixed.rhai.
const cp = require('child_process');

function zombie() {
  if (process.argv[2] === 'child') {
    console.log(`${process.ppid} ${process.pid}`);
    return process.exit();
  }

  const child = cp.spawn(process.execPath, [__filename, 'child'], { stdio: 'inherit' });
  const pid = child.pid;

  child
    .on('exit', () => console.log('exit'))
    .on('close', () => {
      console.log('close');
      try {
        process.kill(pid, 0);
        console.log('the child is still there');
      } catch (e) {
        console.log(`the child is gone: ${e.code}`);
      }
    });
}

zombie();
