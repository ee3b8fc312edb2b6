// Seed "如何调度多进程" (pool.js), corrected: the same design (a waiting queue, a list
// of ready workers, forked on demand up to the CPU count) without the seed's bugs.
// bench/pool/ measures procbox against this pool (scripts/pool.js is the article's, verbatim).
// - cap: `poolSize >= cpuNum` (the seed's `>` allowed one worker too many), and the
//   CPUs this process may use;
// - one set of listeners per worker, installed at fork, and the job it runs kept on
//   the worker (the seed added `once` listeners per job, which piled up and all ran
//   at the worker's death);
// - a worker's death fails its job once, removes exactly that worker (the seed's
//   `splice(indexOf)` removed the last one when indexOf was -1) and starts a
//   replacement when jobs wait; the queue is served on every release, first in,
//   first out (the seed served it on a later tick, so a new job could jump ahead);
// - callbacks run after the pool's state is updated (a throwing callback leaked the
//   worker);
// - idle workers are unref'd, so a script that uses the pool exits by itself.
const cp = require('child_process');
const os = require('os');
const cpuNum = os.availableParallelism ? os.availableParallelism() : os.cpus().length;

/**
 * 声明一个针对指定worker的进程池
 * @param {string} workModule
 * @return {function}
 */
function creatProcessPool(workModule) {
  const waitingQueue = []; // 任务等待队列
  const readyPool = []; // 可用的worker存放的池子
  let poolSize = 0; // 池的大小 = 可用的worker + 正在使用中worker

  function setBusy(child, busy) {
    if (busy) {
      child.ref();
      child.channel.ref();
    } else {
      child.unref();
      child.channel.unref();
    }
  }

  function run(child, job, callback) {
    child.callback = callback;
    setBusy(child, true);
    child.send(job);
  }

  // A worker is free: the oldest waiting job first, else back to the ready list.
  function release(child) {
    if (waitingQueue.length) {
      const [job, callback] = waitingQueue.shift();
      run(child, job, callback);
    } else {
      setBusy(child, false);
      readyPool.push(child);
    }
  }

  function spawn() {
    const child = cp.fork(workModule);
    ++poolSize;
    child.callback = null;
    child.on('message', (msg) => {
      const callback = child.callback;
      if (!callback) return; // nothing asked
      child.callback = null;
      release(child);
      callback(null, msg);
    });
    child.on('error', () => child.kill());
    child.on('exit', (code, signal) => {
      --poolSize;
      const idx = readyPool.indexOf(child);
      if (idx !== -1) readyPool.splice(idx, 1);
      const callback = child.callback;
      child.callback = null;
      if (waitingQueue.length) {
        const [job, cb] = waitingQueue.shift();
        run(spawn(), job, cb);
      }
      if (callback) callback(new Error('Worker exited with code:' + (signal || code)));
    });
    return child;
  }

  /**
   * 将信号发送给池中可用的worker
   * @param {string} job 任务信号
   * @param {function} callback
   */
  return function doWork(job, callback) {
    callback = callback || (() => {});
    if (readyPool.length) {
      run(readyPool.shift(), job, callback);
    } else if (poolSize >= cpuNum) {
      waitingQueue.push([job, callback]);
    } else {
      run(spawn(), job, callback);
    }
  };
}

module.exports.creatProcessPool = creatProcessPool;
