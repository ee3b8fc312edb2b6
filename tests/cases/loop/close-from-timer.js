// A close queued by a timer while a server still listens: the close phase runs in the
// same turn, it does not wait for unrelated I/O (libuv polls with timeout 0 while
// handles are closing). The accepted socket is paused, so no I/O wakes the poll.
const net = require("net");
const kept = [];
const server = net.createServer((s) => { kept.push(s); s.pause(); });
server.listen(0, "127.0.0.1", () => {
  const c = net.connect(server.address().port, "127.0.0.1", () => {
    console.log("connected");
    setTimeout(() => { console.log("destroy"); c.destroy(); }, 10);
  });
  c.on("close", (hadError) => {
    console.log("close", hadError);
    server.close(() => console.log("server closed"));
    kept.forEach((s) => s.destroy());
  });
});
