// Says "ready" at once, then idles until the parent disconnects.
process.on('disconnect', () => {});
process.send('ready');
