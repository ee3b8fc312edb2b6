// A paused socket that no variable holds stays connected until it is closed (an open
// handle lives until closed, not until the script drops it).
const net = require("net");
const server = net.createServer((s) => { s.pause(); });
server.listen(0, "127.0.0.1", () => {
  const c = net.connect(server.address().port, "127.0.0.1", () => console.log("connected"));
  c.on("end", () => console.log("client end"));
  c.on("close", () => console.log("client close"));
  setTimeout(() => { console.log("still open after 50ms"); c.destroy(); server.close(); }, 50);
});
