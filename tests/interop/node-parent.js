// A Node parent forks a procbox script (argv[2] is the procbox binary) and they talk
// over Node's own channel: a round trip (NODE_CHANNEL_FD removed from the child's
// environment), a 1 MiB message sent just before the child's process.exit() (Node
// itself would lose it), and the event order disconnect → exit.
const { fork } = require('child_process');
const path = require('path');
const child = fork(path.join(__dirname, 'procbox-child.rhai'), [], { execPath: process.argv[2] });
const events = [];
child.on('message', (m) => {
  if (m.big !== undefined) {
    console.log(`big message: ${m.big.length} chars`);
    return;
  }
  console.log(`parent got ${JSON.stringify(m)}`);
  if (m.step === 'echo') {
    child.send({ after: 'echo' });
  } else if (m.step === 'error-seen') {
    child.send('finish');
  }
});
child.on('disconnect', () => events.push('disconnect'));
child.on('exit', (code, sig) => { events.push(`exit(${code},${sig})`); });
child.on('close', () => console.log(`events: ${events.join(' ')}`));
child.send({ hello: 'procbox', list: [1, 'two', null] });
