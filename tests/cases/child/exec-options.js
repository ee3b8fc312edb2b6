// exec/execFile options and error shapes: encoding, env/cwd, a signal the child sent
// itself, killSignal on timeout, maxBuffer on stderr, execFile's cmd and shell:true.
const cp = require('child_process');
const show = (v) => (Buffer.isBuffer(v) ? `Buffer(${v.length}) ${JSON.stringify(v.toString())}` : JSON.stringify(v));

const steps = [
  (next) => cp.exec('printf hi', { encoding: 'buffer' }, (err, out, errOut) => {
    console.log(`buffer: ${show(out)} ${show(errOut)}`);
    next();
  }),
  (next) => cp.exec('printf hi', { encoding: 'hex' }, (err, out) => { console.log(`hex: ${show(out)}`); next(); }),
  (next) => cp.exec('echo "$FOO"; pwd', { env: { FOO: 'bar' }, cwd: '/' }, (err, out) => {
    console.log(`env+cwd: ${show(out)}`);
    next();
  }),
  (next) => cp.exec('kill -TERM $$', (err) => {
    console.log(`own signal: code=${err.code} killed=${err.killed} signal=${err.signal}`);
    next();
  }),
  (next) => cp.exec('exec sleep 5', { timeout: 50, killSignal: 'SIGKILL' }, (err) => {
    console.log(`timeout: code=${err.code} killed=${err.killed} signal=${err.signal} ${JSON.stringify(err.message)}`);
    next();
  }),
  (next) => cp.exec('echo 1234567890 >&2; exec sleep 5', { maxBuffer: 4 }, (err, out, errOut) => {
    console.log(`maxBuffer: ${err.code} ${err.message} stderr=${show(errOut)}`);
    next();
  }),
  (next) => cp.execFile('sh', ['-c', 'echo out; exit 3'], (err, out) => {
    console.log(`execFile: code=${err.code} cmd=${JSON.stringify(err.cmd)} message=${JSON.stringify(err.message)} out=${show(out)}`);
    next();
  }),
  (next) => cp.execFile('echo', ['$HOME|x'], { shell: true }, (err) => {
    console.log(`execFile shell: code=${err.code} cmd=${JSON.stringify(err.cmd)}`);
    next();
  }),
  (next) => cp.execFile('echo', ['ok'], { maxBuffer: Infinity }, (err, out) => {
    console.log(`no error: ${err} ${show(out)}`);
    next();
  }),
];
const run = (i) => { if (i < steps.length) steps[i](() => run(i + 1)); };
run(0);
