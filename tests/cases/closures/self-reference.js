// Node twin of self-reference.rhai.
const net = require("net");
const cp = require("child_process");

let last_part = () => {
  let t = "old";
  {
    const t = setTimeout(() => console.log("timer is the new t:", typeof t != "string"), 1);
  }
};

let children_part = () => {
  let runs = 0;
  let next = () => {
    runs += 1;
    let child = cp.spawn("true", []);
    child.on("exit", (code) => {
      console.log("run", runs, "exit", code);
      if (runs < 3) {
        next();
      } else {
        last_part();
      }
    });
  };
  next();
};

let net_part = () => {
  let server = net.createServer((s) => {
    s.on("data", (d) => {
      console.log("server got", d.toString());
      s.end();
      server.close();
    });
  });
  server.on("close", () => {
    console.log("server closed");
    children_part();
  });
  server.listen(0, "127.0.0.1", () => {
    let c = net.connect(server.address().port, "127.0.0.1", () => c.write("hello"));
    c.on("close", () => console.log("client closed"));
  });
};

let n = 0;
let iv = setInterval(() => {
  n += 1;
  console.log("tick", n);
  if (n == 3) {
    clearInterval(iv);
    console.log("interval cleared");
    net_part();
  }
}, 1);
