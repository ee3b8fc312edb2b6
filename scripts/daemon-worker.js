// 如何创建守护进程 (the worker daemon.js starts): the article's worker in CommonJS,
// with the test settings of daemon-worker.rhai (marked "added").
const { createWriteStream } = require('fs'); // import { createWriteStream } from 'fs';
const { Console } = require('console'); // import { Console } from 'console';

const out = process.env.DAEMON_LOG || './stdout.log'; // (added)
const err = process.env.DAEMON_LOG ? '/dev/null' : './stderr.log'; // (added)
const interval = process.env.DAEMON_INTERVAL_MS ? parseInt(process.env.DAEMON_INTERVAL_MS) : 1000 * 10; // (added)

// custom simple logger
const logger = new Console(
  createWriteStream(out),
  createWriteStream(err),
);

setInterval(function () {
  logger.log('daemon pid: ', process.pid, ', ppid: ', process.ppid);
}, interval);

if (process.env.DAEMON_LIFETIME_MS) { // (added)
  setTimeout(() => process.exit(0), parseInt(process.env.DAEMON_LIFETIME_MS));
}
