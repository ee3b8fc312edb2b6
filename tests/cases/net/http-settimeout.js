// Node twin of http-settimeout.rhai.
// The timeout is 1 s: the request is written as soon as the client connects, and
// must be read before the timer runs; a shorter one lets a loaded machine that
// pauses the process between the two fire the timeout first.
const http = require("http");
const net = require("net");
const server = http.createServer((req, res) => console.log(`server: request ${req.url}`));
console.log(`timeout: ${server.timeout}`);
const s2 = server.setTimeout(1000, (sock) => {
  console.log("server: timeout event");
  sock.destroy();
});
console.log(`timeout: ${server.timeout}, returns the server: ${s2 === server ? "Server" : "?"}`);
function client(port, path, next) {
  const c = net.connect(port, "127.0.0.1");
  c.on("connect", () => c.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`));
  c.on("data", () => console.log("client: data"));
  c.on("close", () => {
    console.log(`client ${path}: close`);
    next();
  });
}
const other = http.createServer((req, res) => console.log(`other: request ${req.url}`));
other.timeout = 1000;
server.listen(0, "127.0.0.1", () => {
  client(server.address().port, "/listened", () => {
    other.listen(0, "127.0.0.1", () => {
      client(other.address().port, "/unlistened", () => {
        other.close();
        server.close(() => console.log("server: close"));
      });
    });
  });
});
