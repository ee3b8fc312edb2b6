// The seed's worker shape.
process.on('message', (job) => process.send(job + 1));
