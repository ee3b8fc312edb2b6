// Echoes every message back to the parent.
process.on('message', (m) => process.send(m));
