// The order of a child's `exit` and `close` and its stdout's `end` and `close`:
// A. the stdout pipe closes last (a background process holds it until the parent has
//    seen `exit`): the child's `close` comes before the stdout's own `close`
//    listeners (Node's child listens on its stdout's `close` first, at spawn);
// B. the child closes its stdout first and exits once the parent has seen the
//    stdout's `close`: `exit`, then the child's `close`.
// Every step waits for the one before it (flag files), so the order is causal.
const { spawn } = require('child_process');
const fs = require('fs');
const dir = require('os').tmpdir();

function watch(name, c, flag, on) {
  c.stdout.on('data', (d) => console.log(`${name}: stdout data ${d.toString().trim()}`));
  c.stdout.on('end', () => console.log(`${name}: stdout end`));
  c.stdout.on('close', () => {
    console.log(`${name}: stdout close`);
    if (on === 'stdout close') fs.writeFileSync(flag, '');
  });
  c.on('exit', (code) => {
    console.log(`${name}: exit ${code}`);
    if (on === 'exit') fs.writeFileSync(flag, '');
  });
}

const flagA = `${dir}/procbox-close-order-${process.pid}-a`;
const a = spawn('sh', ['-c', `(until [ -e ${flagA} ]; do sleep 0.01; done; rm ${flagA}; echo late) & exit 0`],
  { stdio: ['ignore', 'pipe', 'ignore'] });
watch('A', a, flagA, 'exit');
a.on('close', (code) => {
  console.log(`A: close ${code}`);
  const flagB = `${dir}/procbox-close-order-${process.pid}-b`;
  const b = spawn('sh', ['-c', `exec >&-; until [ -e ${flagB} ]; do sleep 0.01; done; rm ${flagB}; exit 3`],
    { stdio: ['ignore', 'pipe', 'ignore'] });
  watch('B', b, flagB, 'stdout close');
  b.on('close', (code) => console.log(`B: close ${code}`));
});
