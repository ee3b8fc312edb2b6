// Forked by procbox-parent.rhai: echoes messages and serves connections on a server
// handle passed over the channel.
let server;
process.on('message', (m, handle) => {
  if (m === 'server') {
    server = handle;
    handle.on('connection', (s) => s.end(`served by the node child (listening=${handle.listening})`));
    process.send('ready');
  } else if (m === 'bye') {
    server.close();
    process.disconnect();
  } else {
    process.send({ node_got: m });
  }
});
