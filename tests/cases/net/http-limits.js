// Node twin of http-limits.rhai.
const http = require("http");
const net = require("net");
const server = http.createServer((req, res) => res.end(`ok ${req.url} headers=${Object.keys(req.headers).length}`));
const many = (n) => {
  let s = "";
  for (let i = 0; i < n; i++) s += `h${i}:\r\n`;
  return s;
};
const big = "aaaaaaaaaa".repeat(1700);
const cases = [
  ["no host 1.1", "GET /a HTTP/1.1\r\n\r\n"],
  ["no host 1.0", "GET /b HTTP/1.0\r\n\r\n"],
  ["bare LF", "GET /c HTTP/1.1\nHost: x\n\n"],
  ["bare LF in a header", "GET /d HTTP/1.1\r\nHost: x\nX: y\r\n\r\n"],
  ["17 000-byte value", `GET /e HTTP/1.1\r\nHost: x\r\nX: ${big}\r\n\r\n`],
  ["1 000 headers", `GET /f HTTP/1.1\r\nHost: x\r\n${many(999)}\r\n`],
  ["2 500 headers", `GET /g HTTP/1.1\r\nHost: x\r\n${many(2499)}\r\n`],
];
function run(server, cases, i) {
  if (i >= cases.length) return server.close(() => console.log("server: close"));
  const name = cases[i][0];
  const c = net.connect(server.address().port, "127.0.0.1");
  c.setEncoding("latin1");
  let got = "";
  c.on("connect", () => c.end(cases[i][1]));
  c.on("data", (d) => (got += d));
  c.on("close", () => {
    const lines = got.split("\r\n").filter((l) => !l.startsWith("Date:") && !l.startsWith("Keep-Alive:"));
    console.log(`${name}: ${lines.map((l) => `[${l}]`).join("")}`);
    run(server, cases, i + 1);
  });
}
server.listen(0, "127.0.0.1", () => run(server, cases, 0));
