// Node twin of daemon.rhai: the article's daemon() starting daemon-worker.js.
// Usage: node daemon.js [LOG [INTERVAL_MS [LIFETIME_MS]]]   (passed to the worker)
const { spawn } = require('child_process');
const path = require('path');

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

const child = daemon(path.join(__dirname, 'daemon-worker.js'), process.argv.slice(2), {});
console.log(`daemon started: pid ${child.pid}, parent ${process.pid}`);
