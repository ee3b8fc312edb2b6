// Node twin of daemon-worker.rhai: the article's worker, logging with a Console on a
// file stream. Usage: node daemon-worker.js [LOG=./stdout.log] [INTERVAL_MS] [LIFETIME_MS]
const { createWriteStream } = require('fs');
const { Console } = require('console');

const log = process.argv[2] || './stdout.log';
const interval = process.argv[3] ? parseInt(process.argv[3]) : 1000 * 10;
const lifetime = process.argv[4] ? parseInt(process.argv[4]) : 0;

// custom simple logger
const logger = new Console(createWriteStream(log), createWriteStream('/dev/null'));

setInterval(function () {
  logger.log('daemon pid: ', process.pid, ', ppid: ', process.ppid);
}, interval);

if (lifetime > 0) setTimeout(() => process.exit(0), lifetime);
