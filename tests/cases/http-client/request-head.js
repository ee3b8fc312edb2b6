// The exact request heads the client writes, read by a raw TCP server: Node's order
// (the script's headers, Host, Authorization, Connection, then Content-Length or
// Transfer-Encoding) and body framing for each way of sending a body.
const net = require("net");
const http = require("http");
let port = 0;
const srv = net.createServer((s) => {
    let got = "";
    s.on("data", (c) => {
        got += c.toString();
        // A head and, if framed, the whole body.
        const done = got.includes("\r\n\r\n") && (got.endsWith("\r\n\r\n") || got.endsWith("yz"));
        if (done) {
            const shown = got.replace(`${port}`, "PORT");
            console.log(JSON.stringify(shown));
            s.end("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        }
    });
});
const requests = [
    (cb) => http.get({ port: port, host: "127.0.0.1", path: "/g", agent: false }, cb),
    (cb) => http.request({ port: port, host: "127.0.0.1", method: "POST", path: "/p", agent: false }, cb).end("xyz"),
    (cb) => http.request({ port: port, host: "127.0.0.1", method: "POST", path: "/p2", agent: false }, cb).end(),
    (cb) => {
        const r = http.request({ port: port, host: "127.0.0.1", method: "PUT", path: "/p3", agent: false }, cb);
        r.write("xyz");
        r.end();
    },
    (cb) => http.get({ port: port, host: "127.0.0.1", path: "/h", agent: false, headers: { "X-A": "1", host: "foo" } }, cb),
    (cb) => http.get(`http://us%40er:pw@127.0.0.1:${port}/a?q=1`, { agent: false, headers: { "X-A": "1" } }, cb),
    (cb) => http.get({ port: port, host: "127.0.0.1", auth: "a:b", path: "/b", agent: false }, cb),
    (cb) => {
        const r = http.request({ port: port, host: "127.0.0.1", method: "delete", path: "/d", agent: false }, cb);
        r.setHeader("Content-Type", "text/plain");
        r.setHeader("X-List", ["1", "2"]);
        r.removeHeader("x-missing");
        r.end("xyz");
    },
];
function next(requests, i, srv) {
    if (i == requests.length) {
        srv.close();
        return;
    }
    const send = requests[i];
    send((res) => {
        res.resume();
        res.on("end", () => next(requests, i + 1, srv));
    });
}
srv.listen(0, "127.0.0.1", () => {
    port = srv.address().port;
    next(requests, 0, srv);
});
