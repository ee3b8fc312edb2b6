// Node twin of echo.rhai: the same echo server and client in one process.
const net = require("net");
const mib = process.argv.length > 2 ? parseInt(process.argv[2]) : 64;
const total = mib * 1024 * 1024;
const chunk = Buffer.alloc(64 * 1024, 120);
let sent = 0;
let got = 0;
let t0;

const server = net.createServer((sock) => {
  sock.on("data", (d) => {
    if (!sock.write(d)) sock.pause();
  });
  sock.on("drain", () => sock.resume());
  sock.on("end", () => sock.end());
});
server.listen(0, "127.0.0.1", () => {
  const c = net.connect(server.address().port, "127.0.0.1");
  const pump = () => {
    let ok = true;
    while (ok && sent < total) {
      ok = c.write(chunk);
      sent += chunk.length;
    }
  };
  c.on("connect", () => {
    t0 = process.hrtime.bigint();
    pump();
  });
  c.on("drain", pump);
  c.on("data", (d) => {
    got += d.length;
    if (got >= total) {
      const ns = process.hrtime.bigint() - t0;
      console.log(`BENCH name=net_echo n=${got} ns=${ns}`);
      c.end();
      server.close();
    }
  });
});
