// Node twin of orphan.rhai: the article's orphan example in CommonJS (its ES imports
// as require; __filename is CommonJS's own), with the same two additions (marked).
// Run: node scripts/orphan.js [port]   (default 8888; 0 = any). Not run by the tests
// (tests/orphan.rs runs orphan.rhai); kill the orphan afterwards with kill -9 <pid>.
const cp = require('child_process');
const http = require('http');
const net = require('net');
const path = require('path');

const __dirname_ = path.dirname(__filename); // const __dirname = path.dirname(__filename)

orphan();

// 孤儿进程：主进程先退出，ppid变为1
function orphan() {
  if (!process.send) {
    // 主进程中
    const server = net.createServer();
    server.listen(process.argv[2] ? parseInt(process.argv[2]) : 8888); // (added) the port as an argument, for tests

    const worker = cp.fork(__filename);
    worker.send('server', server); // 把net.Server/net.Socket传递给子进程
    console.log(
      'worker process created, pid: %s ppid: %s',
      worker.pid,
      process.pid,
    );
    console.log(`listening on port ${server.address().port}`); // (added) for tests
    process.exit();
  } else {
    const server = http.createServer((req, res) => {
      res.end('I am worker, pid: ' + process.pid + ', ppid: ' + process.ppid); // 记录当前工作进程 pid 及父进程 ppid
    });

    let worker;
    process.on('message', (msg, sendHandle) => {
      if (msg === 'server') {
        worker = sendHandle;
        worker.on('connection', (socket) => {
          server.emit('connection', socket);
        });
      }
    });
  }
}
