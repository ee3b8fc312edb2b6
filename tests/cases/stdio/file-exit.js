// process.stdout on a regular file is written synchronously: 1 MiB written just before
// process.exit() is all in the file. (On a pipe Node keeps only what the kernel took
// at once; procbox writes everything: see pipe-exit.rhai.)
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

if (process.argv[2] === 'child') {
  const r = process.stdout.write('x'.repeat(1 << 20), (err) => process.stderr.write(`cb ${err}\n`));
  process.stderr.write(`returned ${r}\n`);
  process.exit(0);
} else {
  const file = path.join(os.tmpdir(), `procbox-file-exit-${process.pid}`);
  const r = spawnSync('sh', ['-c', 'exec "$0" "$1" child > "$2"', process.execPath, process.argv[1], file], { encoding: 'utf8' });
  console.log(`child: ${JSON.stringify(r.stderr)} status ${r.status}`);
  console.log(`file has ${fs.statSync(file).size} bytes`);
  fs.unlinkSync(file);
}
