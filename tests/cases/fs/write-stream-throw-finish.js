// An fs write stream whose write callback throws (handled by uncaughtException):
// 1. end(cb) was called before that write completed: Node's Writable checks for the
//    end after the callbacks it ran, and the throw skipped that check, so the stream
//    never finishes: no end callback, no `finish`, no `close`;
// 2. end(cb) called after the callback threw (from an immediate it queued): the end
//    finds nothing pending and finishes: end callback, `finish`, `close`.
// Stream 2 starts from stream 1's callback, so the order is causal.
const fs = require('fs');
const os = require('os');
process.on('uncaughtException', (e) => console.log('caught ' + e.message));
const files = [1, 2].map((n) => `${os.tmpdir()}/procbox-write-stream-throw-finish-${process.pid}-${n}`);

function open(n) {
  const w = fs.createWriteStream(files[n - 1]);
  w.on('finish', () => console.log(`${n}: finish`));
  w.on('close', () => console.log(`${n}: close`));
  return w;
}

const one = open(1);
one.write('x', () => {
  console.log('1: write callback');
  const two = open(2);
  two.write('y', () => {
    console.log('2: write callback');
    setImmediate(() => two.end(() => console.log('2: end callback')));
    throw new Error('from write callback 2');
  });
  throw new Error('from write callback 1');
});
one.end(() => console.log('1: end callback'));
process.on('exit', () => {
  for (const f of files) {
    console.log(`exit: ${JSON.stringify(fs.readFileSync(f, 'utf8'))}`);
    fs.unlinkSync(f);
  }
});
