// Node twin of http.rhai: N sequential GETs, one connection each (agent: false).
const http = require("http");
const n = process.argv.length > 2 ? parseInt(process.argv[2]) : 2000;
let done = 0;
let t0;
const server = http.createServer((req, res) => res.end("ok"));
const one = () => {
  http.get({ host: "127.0.0.1", port: server.address().port, path: "/", agent: false }, (res) => {
    res.resume();
    res.on("end", () => {
      done += 1;
      if (done < n) {
        one();
      } else {
        const ns = process.hrtime.bigint() - t0;
        console.log(`BENCH name=net_http n=${n} ns=${ns}`);
        server.close();
      }
    });
  });
};
server.listen(0, "127.0.0.1", () => {
  t0 = process.hrtime.bigint();
  one();
});
