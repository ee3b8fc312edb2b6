// Node twin of unix-unref-exit.rhai.
const cp = require('child_process');
const fs = require('fs');
const path = `/tmp/procbox-net-unref-exit-node-${process.pid}.sock`;
const code = `const s = require('net').createServer(); s.listen(${JSON.stringify(path)}, () => { console.log('child: listening'); s.unref(); });`;
const r = cp.spawnSync(process.execPath, ['-e', code], { encoding: 'utf8' });
console.log(r.stdout.split('\n')[0]);
console.log(`child exited with status ${r.status}`);
console.log(`socket file left behind: ${fs.existsSync(path)}`);
const again = require('net').createServer();
again.listen(path, () => {
  console.log('listening again on the same path');
  again.close(() => console.log(`closed, file left behind: ${fs.existsSync(path)}`));
});
