// Node twin of message-before-exit.rhai.
const { fork } = require('child_process');
if (process.argv[2] === 'child') {
  process.send(process.pid);
  process.exit();
} else {
  const N = 40;
  let bad = 0;
  let runs = 0;
  const next = () => {
    let got = false;
    const c = fork(__filename, ['child']);
    c.on('message', () => { got = true; });
    c.on('exit', () => {
      runs += 1;
      if (!got) bad += 1;
      if (runs < N) next();
      else console.log(`exit before message: ${bad} of ${runs}`);
    });
  };
  next();
}
