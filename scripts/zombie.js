// 如何创建和关闭僵尸进程 (the zombie): the article's code in CommonJS, with the bounded
// busy loop of zombie.rhai (lines marked "added").
const cp = require('child_process'); // import * as cp from 'child_process';

// const __filename = fileURLToPath(import.meta.url): CommonJS has __filename

zombie();

function zombie() {
  if (process.send) {
    console.log(process.ppid, process.pid);
    return process.exit();
  }

  const child = cp.fork(__filename);
  child.on('exit', (code) => console.log(`exit event (code ${code}); child state now: ${state(child.pid)}`)); // (added)
  // while (1) {} // 主进程永久阻塞: bounded, see zombie.rhai (added)
  const start = Date.now();
  let seen = state(child.pid);
  while (seen !== 'Z' && Date.now() - start < 10000) {
    seen = state(child.pid);
  }
  console.log(`during the busy loop the child state is: ${seen}`);
}

// (added) Field 3 of /proc/<pid>/stat (after the command name in parentheses), or "gone".
function state(pid) {
  const r = cp.spawnSync('cat', [`/proc/${pid}/stat`], { encoding: 'utf8' });
  if (r.status !== 0) {
    return 'gone';
  }
  const fields = r.stdout.slice(r.stdout.indexOf(') ') + 2).split(' ');
  return fields[0];
}
