// A child writing 3 MiB through its stdout pipe: every byte arrives (procbox's reads
// grow with the pipe up to 1 MiB), then 'end' and the child's 'close'.
const { spawn } = require('child_process');
const c = spawn('head', ['-c', '3145728', '/dev/zero']);
let total = 0;
let chunks = 0;
c.stdout.on('data', (d) => {
  total += d.length;
  chunks += 1;
});
c.stdout.on('end', () => console.log(`end: ${total} bytes, chunks ${chunks > 0}`));
c.on('close', (code) => console.log(`child close ${code}`));
