// An idle forked child: it only listens for messages (and echoes each one back, so
// the runner knows it is up and has handled one).
process.on("message", (m) => process.send(m));
