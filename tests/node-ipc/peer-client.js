// The Node twin of peer-client.rhai, on the real node-ipc 9.2.1.
// Usage: node peer-client.js tcp PORT NAME | unix PATH NAME
// stdin: `broadcast JSON` asks the server to broadcast; end of input disconnects.
'use strict';
const ipc = require('node-ipc');
const [transport, where, name] = process.argv.slice(2);
ipc.config.id = name;
ipc.config.silent = true;
ipc.config.retry = 100;

const payloads = ['caf\u00e9 \f tab\t', 0, false, undefined, [1, 2, 3], { a: { b: [true, null] }, z: '\u00fc' }, 'last'];
let connects = 0;
const setup = () => {
  const world = ipc.of.world;
  world.on('connect', () => {
    connects += 1;
    console.log(`connect ${connects}`);
    world.emit('hello', { id: name, n: connects });
  });
  world.on('welcome', (data) => {
    console.log(`welcome ${JSON.stringify(data)}`);
    for (const p of payloads) {
      world.emit('echo', p);
    }
  });
  world.on('echo', (data) => console.log(`echo ${JSON.stringify(data)}`));
  world.on('news', (data) => console.log(`news ${JSON.stringify(data)}`));
  world.on('disconnect', () => console.log('disconnect'));
  world.on('error', (err) => console.log(`error ${err.code}`));
  world.on('destroy', () => console.log('destroy'));
};
if (transport === 'tcp') {
  ipc.connectToNet('world', '127.0.0.1', Number(where), setup);
} else {
  ipc.connectTo('world', where, setup);
}

process.stdin.setEncoding('utf8');
process.stdin.on('data', (text) => {
  for (const line of text.split('\n')) {
    if (line.startsWith('broadcast ')) {
      ipc.of.world.emit('broadcast', JSON.parse(line.slice(10)));
    }
  }
});
process.stdin.on('end', () => {
  console.log('bye');
  ipc.disconnect('world');
});
