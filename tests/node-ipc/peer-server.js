// The Node twin of peer-server.rhai, on the real node-ipc 9.2.1.
// Usage: node peer-server.js tcp PORT | unix PATH     (PORT 0: any free port)
'use strict';
const ipc = require('node-ipc');
const [transport, where] = process.argv.slice(2);
ipc.config.id = 'world';
ipc.config.silent = true;
// 9.x replaces a port of 0 by networkPort, so 0 must be the default too.
ipc.config.networkPort = 0;

const ready = () => console.log(`ready ${transport === 'tcp' ? ipc.server.server.address().port : where}`);
if (transport === 'tcp') {
  ipc.serveNet('127.0.0.1', Number(where), ready);
} else {
  ipc.serve(where, ready);
}
const server = ipc.server;
server.on('hello', (data, socket) => {
  console.log(`hello ${data.id}`);
  ipc.server.emit(socket, 'welcome', { id: data.id, n: data.n });
});
server.on('echo', (data, socket) => {
  console.log(`echo ${JSON.stringify(data)}`);
  ipc.server.emit(socket, 'echo', data);
});
server.on('broadcast', (data) => {
  console.log(`broadcast ${JSON.stringify(data)}`);
  ipc.server.broadcast('news', data);
});
server.on('socket.disconnected', (socket, id) => console.log(`gone ${id}`));
server.on('error', (err) => console.log(`error ${err.code}`));
server.start();
