// A child stdin's `drain` around write callbacks and end(), against Node's Writable:
// 1. a write bigger than the high-water mark says false; when it completes, `drain`
//    comes before its callback (Node's afterWrite);
// 2. the same write followed at once by end(data, cb): no `drain` (the stream is
//    ending); the write's callback, then end's callback before the `finish`
//    listeners, then `close`.
// Each child reads nothing until the write returned (the flag file), so the pipe is
// full and the write says false; the second child starts when the first has closed.
const { spawn } = require('child_process');
const fs = require('fs');
const big = 'x'.repeat(1000000);

function run(name, ending, next) {
  const flag = `${require('os').tmpdir()}/procbox-stdin-drain-order-${process.pid}-${name}`;
  const c = spawn('sh', ['-c', `until [ -e ${flag} ]; do sleep 0.01; done; rm ${flag}; exec wc -c`]);
  const stdin = c.stdin;
  stdin.on('drain', () => {
    console.log(`${name}: drain`);
    process.nextTick(() => console.log(`${name}: tick queued by drain`));
    if (!ending) stdin.end();
  });
  stdin.on('finish', () => console.log(`${name}: finish`));
  stdin.on('close', () => console.log(`${name}: stdin close`));
  c.stdout.on('data', (d) => console.log(`${name}: wc ${d.toString().trim()}`));
  c.on('close', (code) => {
    console.log(`${name}: child close ${code}`);
    if (next) next();
  });
  const ok = stdin.write(big, () => console.log(`${name}: write callback`));
  console.log(`${name}: write returned ${ok}`);
  if (ending) stdin.end('tail', () => console.log(`${name}: end callback`));
  fs.writeFileSync(flag, '');
}

run('one', false, () => run('two', true));
