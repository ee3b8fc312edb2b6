// A paused socket that no variable holds stays connected until it is closed (an open
// handle lives until closed, not until the script drops it). The 50 ms start once
// both ends exist (the client's connect and the server's connection), so a slow
// machine cannot let the timer run before the connection is made.
const net = require("net");
let server;
const client = [];
let arrived = 0;
const both = () => {
  arrived += 1;
  if (arrived === 2) {
    const c = client[0];
    setTimeout(() => { console.log("still open after 50ms"); c.destroy(); server.close(); }, 50);
  }
};
server = net.createServer((s) => { s.pause(); both(); });
server.listen(0, "127.0.0.1", () => {
  const c = net.connect(server.address().port, "127.0.0.1", () => { console.log("connected"); both(); });
  client.push(c);
  c.on("end", () => console.log("client end"));
  c.on("close", () => console.log("client close"));
});
