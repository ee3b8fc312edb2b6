// A child `exit` listener that throws, handled by uncaughtException: two children
// have exited (zombies, checked in /proc) before the loop starts, so one SIGCHLD
// reaps both and their `exit` listeners run one after the other; the tick and
// promise the first listener queued wait until the second ran (Node skips the drain
// after a callback that threw). The throw also skips the rest of Node's exit
// handling for that child: it never emits `close`.
const { spawn } = require('child_process');
const fs = require('fs');
process.on('uncaughtException', (e) => console.log('caught ' + e.message));
let n = 0;
const children = [0, 1].map(() => spawn('true', [], { stdio: 'ignore' }));
for (const c of children) {
  c.on('exit', (code) => {
    n += 1;
    const k = n;
    console.log(`exit ${k} (code ${code})`);
    process.nextTick(() => console.log(`tick queued by exit ${k}`));
    Promise.resolve().then(() => console.log(`promise queued by exit ${k}`));
    if (k === 1) throw new Error('from exit 1');
  });
  c.on('close', () => console.log('close'));
}
const zombie = (pid) => {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].startsWith('Z');
  } catch (e) {
    return true;
  }
};
while (!children.every((c) => zombie(c.pid))) {}
