// Node twin of socket-client.rhai: the article's node-ipc client, in CommonJS
// (`import ipc from 'node-ipc'` as require).
// Needs node-ipc 9.2.1: NODE_PATH=tests/node-ipc/node_modules (after npm ci there).
const ipc = require('node-ipc');

// ipc.config.id = 'hello';
ipc.config.retry = 1500;
// (added) tests move the service off port 8000 with IPC_PORT
if (process.env.IPC_PORT) {
  ipc.config.networkPort = Number(process.env.IPC_PORT);
}

ipc.connectToNet('world', function () {
  ipc.of.world.on('connect', function () {
    ipc.log('<<< connected to world', ipc.config.delay);
    ipc.of.world.emit('message', 'hello');
  });
  ipc.of.world.on('message', function (data) {
    ipc.log('<<< got a message from world : ', data);
  });

  ipc.of.world.on('error', (err) => {
    console.log('<<< err is', err);
  });
  ipc.of.world.on('disconnect', function () {
    ipc.log('<<< disconnected from world');
  });
});
