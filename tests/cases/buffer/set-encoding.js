// setEncoding on a child's stdout, on node's own stdin and on a socket: a
// character (or base64 group) written in two pieces, with a pause between, is never
// split across `data` events; an unfinished character at the end becomes U+FFFD.
const cp = require("child_process");
const net = require("net");

function collect(stream, enc, label, done) {
    let text = "";
    stream.setEncoding(enc);
    stream.on("data", (chunk) => text += chunk);
    stream.on("end", () => {
        console.log(label, JSON.stringify(text), text.includes("\uFFFD"));
        done();
    });
}

// Each step starts when the previous one ended, so the output order is fixed.
const steps = [
    (next) => collect(cp.spawn("sh", ["-c", "printf 'a\\342\\202'; sleep 0.1; printf '\\254 b'"]).stdout, "utf8", "child utf8:", next),
    (next) => collect(cp.spawn("sh", ["-c", "printf hel; sleep 0.1; printf lo"]).stdout, "base64", "child base64:", next),
    (next) => collect(cp.spawn("sh", ["-c", "printf 'x\\342\\202'"]).stdout, "utf8", "child truncated:", next),
    (next) => {
        const code = `process.stdin.setEncoding("utf8"); let t = ""; process.stdin.on("data", (c) => t += c); process.stdin.on("end", () => console.log(JSON.stringify(t)));`;
        const cmd = `(printf '\\360\\237'; sleep 0.1; printf '\\230\\200!') | "${process.execPath}" -e '${code}'`;
        cp.exec(cmd, (err, out) => {
            console.log("stdin utf8:", out.trim());
            next();
        });
    },
    (next) => {
        const server = net.createServer((sock) => {
            sock.write(Buffer.from([0xe2, 0x82]));
            setTimeout(() => sock.end(Buffer.from([0xac, 0x21])), 100);
        });
        server.listen(0, "127.0.0.1", () => {
            const c = net.connect(server.address().port, "127.0.0.1");
            collect(c, "utf8", "socket utf8:", () => { server.close(); next(); });
        });
    },
];
let i = 0;
const run = () => {
    if (i < steps.length) {
        const step = steps[i];
        i += 1;
        step(run);
    }
};
run();
