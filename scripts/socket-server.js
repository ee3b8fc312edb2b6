// Node twin of socket-server.rhai: the article's node-ipc server, in CommonJS
// (`import ipc from 'node-ipc'` as require).
// Needs node-ipc 9.2.1: NODE_PATH=tests/node-ipc/node_modules (after npm ci there).
const ipc = require('node-ipc');

ipc.config.id = 'world';
ipc.config.retry = 1500;
ipc.config.maxConnections = 1;
// (added) tests move the service off port 8000 with IPC_PORT
if (process.env.IPC_PORT) {
  ipc.config.networkPort = Number(process.env.IPC_PORT);
}

ipc.serveNet(function () {
  ipc.server.on('message', function (data, socket) {
    ipc.log('>>> message : ', data);
    ipc.server.emit(socket, 'message', data + ' world!');
  });

  ipc.server.on('socket.disconnected', function (data, socket) {
    console.log('>>> socket.disconnected\n\n', 'arguments');
  });
});
ipc.server.on('error', function (err) {
  ipc.log('>>> error', err);
});
ipc.server.start();
