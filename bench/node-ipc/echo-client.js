// Node twin of echo-client.rhai, on the real node-ipc 9.2.1.
// Usage: node echo-client.js tcp PORT N | unix PATH N
// Prints: BENCH name=nodeipc_TRANSPORT n=N ns=TOTAL
'use strict';
const ipc = require('node-ipc');
ipc.config.silent = true;
const [transport, where, nText] = process.argv.slice(2);
const n = Number(nText);
let count = 0;
let t0;

const setup = () => {
  const server = ipc.of.server;
  server.on('connect', () => {
    t0 = process.hrtime.bigint();
    server.emit('ping', { n: 0, text: 'hello' });
  });
  server.on('pong', () => {
    count += 1;
    if (count < n) {
      server.emit('ping', { n: count, text: 'hello' });
    } else {
      const ns = process.hrtime.bigint() - t0;
      console.log(`BENCH name=nodeipc_${transport} n=${n} ns=${ns}`);
      ipc.disconnect('server');
    }
  });
};
if (transport === 'tcp') {
  ipc.connectToNet('server', '127.0.0.1', Number(where), setup);
} else {
  ipc.connectTo('server', where, setup);
}
