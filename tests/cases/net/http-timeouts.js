// Node twin of http-timeouts.rhai.
// The timeouts are 1 s and 2 s: the second request's head is read before its
// 'request' event, and the timers must not run first even on a loaded machine that
// pauses the process between the connection and the read.
const http = require("http");
const net = require("net");
const d = http.createServer((req, res) => res.end());
console.log(`defaults: headers=${d.headersTimeout} request=${d.requestTimeout} keepAlive=${d.keepAliveTimeout}`);
const opts = { headersTimeout: 1000, requestTimeout: 2000, connectionsCheckingInterval: 20 };
const server = http.createServer(opts, (req, res) => {
  console.log(`server: request ${req.method} ${req.url}`);
});
console.log(`set: headers=${server.headersTimeout} request=${server.requestTimeout}`);
function show(tag, text) {
  for (const line of text.split("\r\n")) if (line !== "") console.log(`${tag}: ${line}`);
}
function partial(port, tag, what, next) {
  const c = net.connect(port, "127.0.0.1");
  c.setEncoding("utf8");
  c.on("connect", () => c.write(what));
  c.on("data", (d) => show(tag, d));
  c.on("close", () => {
    console.log(`${tag}: close`);
    next();
  });
}
server.listen(0, "127.0.0.1", () => {
  const port = server.address().port;
  partial(port, "head", "GET /slow HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n", () => {
    partial(port, "body", "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab", () => {
      server.close(() => console.log("server: close"));
    });
  });
});
