// procbox's HTTP client and server against foreign peers: the client against a Node
// http server (a child), and a Node client and curl against procbox's server. The
// twin runs the same steps with Node on both sides.
const http = require("http");
const cp = require("child_process");

const peer_js = `
const http = require("http");
const s = http.createServer((req, res) => {
  let body = "";
  req.on("data", (d) => body += d);
  req.on("end", () => {
    if (req.url == "/chunked") { res.write("node,"); res.end("chunked"); return; }
    res.setHeader("Content-Type", "text/plain");
    res.end("node got " + req.method + " " + req.url + " [" + body + "] te=" + (req.headers["transfer-encoding"] || "none"));
  });
});
s.listen(0, "127.0.0.1", () => console.log(s.address().port));
process.stdin.on("end", () => s.close()).resume();
`;

const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => body += d.toString());
    req.on("end", () => {
        res.setHeader("Content-Type", "text/plain");
        if (req.url == "/chunked") {
            res.write("served,");
            res.end("chunked");
        } else {
            res.end(`served ${req.method} ${req.url} [${body}]`);
        }
    });
});

function read_all(res, done) {
    let body = "";
    res.on("data", (c) => body += c.toString());
    res.on("end", () => done(body));
}

server.listen(0, "127.0.0.1", () => {
    const port = server.address().port;
    const node = cp.spawn("node", ["-e", peer_js]);
    node.stdout.once("data", (line) => {
        const node_port = parseInt(line.toString().trim());
        // 1. client -> Node server.
        http.get({ host: "127.0.0.1", port: node_port, path: "/chunked", agent: false }, (res) => {
            read_all(res, (body) => {
                console.log("client->node GET:", res.statusCode, res.headers["transfer-encoding"], body);
                const req = http.request({ host: "127.0.0.1", port: node_port, method: "POST", path: "/p", agent: false }, (res) => {
                    read_all(res, (body) => {
                        console.log("client->node POST:", res.statusCode, res.headers["content-type"], body);
                        node.stdin.end();
                        // 2. Node client -> server.
                        const js = `require("http").get("http://127.0.0.1:${port}/chunked", { agent: false }, (r) => { let b = ""; r.on("data", (d) => b += d); r.on("end", () => console.log(r.statusCode, r.headers["transfer-encoding"], b)); })`;
                        cp.execFile("node", ["-e", js], (err, out) => {
                            console.log("node->server:", out.trim());
                            // 3. curl -> server.
                            cp.execFile("curl", ["-s", "-d", "x=1", `http://127.0.0.1:${port}/form`], (err, out) => {
                                console.log("curl->server:", out);
                                server.close();
                            });
                        });
                    });
                });
                req.write("from ");
                req.end("procbox");
            });
        });
    });
});
