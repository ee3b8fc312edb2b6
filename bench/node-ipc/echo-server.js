// Node twin of echo-server.rhai, on the real node-ipc 9.2.1.
// Usage: node echo-server.js tcp PORT | unix PATH      Prints: ready PORT|PATH
// (node-ipc 9.x cannot listen on port 0: it takes 0 for "no port" and makes a Unix
// socket named after the host instead, so the runner picks a free port.)
'use strict';
const ipc = require('node-ipc');
ipc.config.silent = true;
const [transport, where] = process.argv.slice(2);

const ready = () => console.log(`ready ${where}`);
if (transport === 'tcp') {
  ipc.serveNet('127.0.0.1', Number(where), ready);
} else {
  ipc.serve(where, ready);
}
ipc.server.on('ping', (data, socket) => ipc.server.emit(socket, 'pong', data));
ipc.server.on('socket.disconnected', () => {
  ipc.server.stop();
  process.exit(0);
});
ipc.server.start();
