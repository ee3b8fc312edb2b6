// An fs write stream's write callback that throws, handled by uncaughtException:
// the write completes in the poll phase, so the ticks and promise it queued run
// before the immediate it queued. (Node never emits 'finish' after a write callback
// threw; procbox does: the case does not end() with a callback.)
const fs = require('fs');
const path = require('path');
const os = require('os');
process.on('uncaughtException', (e) => console.log('caught ' + e.message));
const file = path.join(os.tmpdir(), 'settle-fsw-' + process.pid + '.txt');
const out = fs.createWriteStream(file);
out.write('hello', () => {
  console.log('write callback');
  fs.unlinkSync(file);
  setImmediate(() => console.log('immediate queued by the callback'));
  process.nextTick(() => console.log('tick queued by the callback'));
  Promise.resolve().then(() => console.log('promise queued by the callback'));
  throw new Error('from the write callback');
});
out.end();
