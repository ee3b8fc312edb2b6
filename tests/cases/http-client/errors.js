// req.abort() before the response (abort, then socket hang up, then close), and a
// write after end (ERR_STREAM_WRITE_AFTER_END as an error event; the request goes on).
const http = require("http");
// The GET is aborted by the server's handler once it arrived (never answered); the
// POST is answered.
const pending = [];
const server = http.createServer((req, res) => { if (req.method == "GET") { pending[0].abort(); } else { res.end("ok"); } });
server.listen(0, "127.0.0.1", () => {
    const port = server.address().port;
    const r = http.get({port: port, host: "127.0.0.1", agent: false}, (res) => console.log("unexpected"));
    pending.push(r);
    r.on("abort", () => console.log("abort"));
    r.on("error", (e) => console.log(`error ${e.message}`));
    r.on("close", () => {
        console.log("close");
        {
            const r3 = http.request({port: port, host: "127.0.0.1", method: "POST", agent: false});
            r3.end("x");
            r3.on("error", (e) => console.log(`error3 ${e.code}`));
            r3.write("more");
            r3.on("response", (res) => { console.log(`r3 ${res.statusCode}`); res.resume(); res.on("end", () => server.close()); });
        }
    });
});
