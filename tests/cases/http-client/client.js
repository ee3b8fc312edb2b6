// http.get / http.request against Node's own server: status, headers, chunked
// and Content-Length bodies, request bodies (Content-Length and chunked), setEncoding
// with a character split across chunks, HEAD, 404, events in order, setTimeout,
// ECONNREFUSED and a bad protocol. `agent: false` (ignored by procbox, which has no
// agent) makes Node's twin use one connection per request too.
const http = require("node:http");
const net = require("net");

const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => body += d.toString());
    req.on("end", () => {
        const framing = `cl=${req.headers["content-length"] ?? "none"} te=${req.headers["transfer-encoding"] ?? "none"}`;
        res.setHeader("X-Got", `${req.method} ${req.url} [${body}] ${framing} conn=${req.headers.connection}`);
        if (req.url.startsWith("/chunked")) {
            res.write("part1,");
            res.end("part2");
        } else if (req.url == "/split") {
            res.write(Buffer.from([0x61, 0xe2, 0x82]));
            setTimeout(() => res.end(Buffer.from([0xac, 0x62])), 50);
        } else if (req.url == "/missing") {
            res.statusCode = 404;
            res.end("nope");
        } else if (req.url == "/hang") {
            // never answers
        } else {
            res.setHeader("Content-Length", 5);
            res.end("hello");
        }
    });
});

function get_body(res, done) {
    let body = "";
    res.setEncoding("utf8");
    res.on("data", (c) => body += c);
    res.on("end", () => done(body));
}

const step_get = (port, next) => {
    http.get(`http://127.0.0.1:${port}/chunked?x=1`, { agent: false }, (res) => {
        console.log("GET", res.statusCode, res.statusMessage, res.httpVersion, res.headers["transfer-encoding"]);
        console.log("  x-got:", res.headers["x-got"]);
        get_body(res, (body) => {
            console.log("  body:", body);
            next();
        });
    });
};

const step_post = (port, next) => {
    const req = http.request({ hostname: "127.0.0.1", port: port, method: "POST", path: "/len", agent: false }, (res) => {
        console.log("POST end(data)", res.statusCode, res.headers["content-length"], res.headers["x-got"]);
        res.resume();
        res.on("end", () => next());
    });
    req.end("abc");
};

const step_chunked_post = (port, next) => {
    const req = http.request({ host: "127.0.0.1", port: port, method: "PUT", path: "/put", headers: { "X-Mine": "1" }, agent: false });
    req.on("response", (res) => {
        console.log("PUT write+end", res.statusCode, res.headers["x-got"]);
        get_body(res, (body) => {
            console.log("  body:", body);
            next();
        });
    });
    req.on("finish", () => console.log("  finish"));
    req.write("ab");
    req.write(Buffer.from("cd"));
    req.end("ef");
};

const step_split = (port, next) => {
    http.get({ port: port, host: "127.0.0.1", path: "/split", agent: false }, (res) => {
        const chunks = [];
        res.setEncoding("utf8");
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
            console.log("split:", chunks.reduce((s, c) => s + c, ""), chunks[0].includes("\uFFFD"));
            next();
        });
    });
};

const step_missing = (port, next) => {
    http.get(`http://127.0.0.1:${port}/missing`, { agent: false }, (res) => {
        console.log("404:", res.statusCode, res.statusMessage);
        get_body(res, (body) => {
            console.log("  body:", body);
            next();
        });
    });
};

const step_head = (port, next) => {
    const req = http.request({ port: port, host: "127.0.0.1", method: "HEAD", path: "/head", agent: false }, (res) => {
        console.log("HEAD:", res.statusCode, res.headers["content-length"]);
        res.on("data", (c) => console.log("  unexpected data"));
        res.on("end", () => {
            console.log("  end");
            next();
        });
    });
    req.on("close", () => console.log("  request close"));
    req.end();
};

const step_timeout = (port, next) => {
    const req = http.get(`http://127.0.0.1:${port}/hang`, { agent: false }, (res) => console.log("unexpected response"));
    req.setTimeout(100, () => {
        console.log("timeout: destroying");
        req.destroy();
    });
    req.on("error", (e) => console.log("  error:", e.code, e.message));
    req.on("close", () => {
        console.log("  close");
        next();
    });
};

const step_refused = (port, next) => {
    const probe = net.createServer();
    probe.listen(0, "127.0.0.1", () => {
        const closed_port = probe.address().port;
        probe.close(() => {
            const req = http.get(`http://127.0.0.1:${closed_port}/`, { agent: false }, (res) => console.log("unexpected response"));
            req.on("error", (e) => {
                const msg = e.message.replace(`${closed_port}`, "PORT");
                console.log("refused:", e.code, e.syscall, e.address, e.port == closed_port, msg);
            });
            req.on("close", () => {
                console.log("  close");
                next();
            });
        });
    });
};

const step_protocol = (port, next) => {
    try {
        http.get("https://127.0.0.1/", (res) => {});
    } catch (e) {
        console.log("protocol:", e.code, e.message);
    }
    next();
};

// Each step starts when the previous one is over, so the output order is fixed.
function run(steps, i, port, server) {
    if (i < steps.length) {
        const step = steps[i];
        step(port, () => run(steps, i + 1, port, server));
    } else {
        server.close(() => console.log("done"));
    }
}

const steps = [
    step_get, step_post, step_chunked_post, step_split, step_missing,
    step_head, step_timeout, step_refused, step_protocol,
];
server.listen(0, "127.0.0.1", () => run(steps, 0, server.address().port, server));
