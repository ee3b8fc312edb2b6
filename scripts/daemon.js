// 如何创建守护进程: the article's daemon() starting daemon-worker.js. Run from this
// directory (the worker's path is relative, as in the article).
const { spawn } = require('child_process'); // (not in the article)

const daemon = function (script, args, opt) {
  opt = opt || {};

  const stdout = opt.stdout || 'ignore';
  const stderr = opt.stderr || 'ignore';

  const env = opt.env || process.env;
  const cwd = opt.cwd || process.cwd();

  const cp_opt = {
    stdio: ['ignore', stdout, stderr], // 子进程的stdin一定要是ignore
    env: env,
    cwd: cwd,
    detached: true,
  };

  // spawn the child using the same node process as ours
  const child = spawn(process.execPath, [script].concat(args), cp_opt);

  // required so the parent can exit
  child.unref();

  return child;
};

daemon('daemon-worker.js', [], {});
