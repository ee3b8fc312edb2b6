// Writing to a child's stdin after the child closed it: EPIPE comes as the write
// callback's error and an 'error' event on the stream, then 'close'; no crash
// (SIGPIPE is ignored). A write after end() is ERR_STREAM_WRITE_AFTER_END.
const { spawn } = require('child_process');

const c = spawn('sh', ['-c', 'exec 0<&-; echo closed; exec sleep 5']);
c.stdin.on('error', (e) => console.log(`stdin error: ${e.code} ${e.syscall} ${e.message}`));
c.stdin.on('close', () => {
  console.log('stdin close');
  c.kill();
});
c.stdout.once('data', () => {
  // the child closed its stdin: nobody reads the pipe any more
  c.stdin.write('x'.repeat(100000), (err) => console.log(`write callback: ${err && err.code}`));
});
c.on('close', (code, sig) => {
  console.log(`child close ${code} ${sig}`);
  const d = spawn('cat', [], { stdio: ['pipe', 'ignore', 'inherit'] });
  d.stdin.on('error', (e) => console.log(`after end: ${e.code} ${e.message}`));
  d.stdin.end('bye');
  d.stdin.write('more', (err) => console.log(`after end callback: ${err.code}`));
  d.on('close', (code) => console.log(`cat close ${code}`));
});
