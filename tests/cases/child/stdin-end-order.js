// A child's stdin over a pipe: a write bigger than the high-water mark says false,
// then 'drain'; end() in the drain listener gives 'finish', then 'close' (the pipe
// closes: wc sees EOF and prints the count), then the child's 'close'. A second
// end() changes nothing. (Write callbacks and end(cb) are left out: their order
// around 'drain' and 'finish' differs from Node's, see docs/notes/s13b.md.)
const { spawn } = require('child_process');
// The child reads nothing until the write returned (the flag file), so the pipe is
// full and the write says false.
const flag = `${require('os').tmpdir()}/procbox-stdin-end-order-${process.pid}`;
const c = spawn('sh', ['-c', `until [ -e ${flag} ]; do sleep 0.01; done; rm ${flag}; exec wc -c`]);
const stdin = c.stdin;
const big = 'x'.repeat(1000000);
stdin.on('drain', () => {
  console.log('drain');
  stdin.end('tail');
  stdin.end();
});
stdin.on('finish', () => console.log(`finish writable=${stdin.writable}`));
stdin.on('close', () => console.log('stdin close'));
c.stdout.on('data', (d) => console.log(`wc: ${d.toString().trim()}`));
c.on('close', (code) => console.log(`child close ${code}`));
const ok = stdin.write(big);
console.log(`write returned ${ok}, writableLength ${stdin.writableLength > 0}`);
require('fs').writeFileSync(flag, '');
