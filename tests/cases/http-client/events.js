// The order of a request's and its response's events, from socket to close.
const http = require("http");
const server = http.createServer((req, res) => { req.resume(); req.on("end", () => res.end("body")); });
server.listen(0, "127.0.0.1", () => {
    const req = http.request({ port: server.address().port, host: "127.0.0.1", method: "POST", agent: false }, (res) => {
        console.log("response", res.statusCode);
        res.on("data", (d) => console.log("data", d.toString()));
        res.on("end", () => console.log("res end"));
        res.on("close", () => { console.log("res close"); });
    });
    req.on("socket", () => console.log("socket"));
    req.on("finish", () => console.log("finish"));
    req.on("close", () => { console.log("req close"); server.close(() => console.log("server closed")); });
    req.end("hi");
    console.log("sync end");
});
