// Callback forms (a chain, each step in the previous one's callback), then the same
// work through fs.promises and require("fs/promises"); errors reach callbacks and
// rejections with Node's fields.
const fs = require("fs");
const path = require("path");
const fsp = require("fs/promises");
const d = fs.mkdtempSync(path.join(require("os").tmpdir(), "procbox-async-"));
const a = path.join(d, "sub/a.txt");
const L = (a) => `[${a.map((x) => JSON.stringify(x)).join(", ")}]`;
const u = (v) => (v == null ? "" : v);

function promised(d) {
    const fsp = require("node:fs/promises");
    const b = path.join(d, "p.txt");
    fsp.writeFile(b, "promised")
        .then((v) => { console.log(`p writeFile: ${u(v)}`); return fsp.appendFile(b, "!"); })
        .then((v) => fsp.readFile(b, "utf8"))
        .then((text) => { console.log(`p readFile: ${text}`); return fsp.stat(b); })
        .then((s) => { console.log(`p stat: ${s.size}`); return fsp.readdir(d); })
        .then((names) => { console.log(`p readdir: ${L(names)}`); return fsp.mkdir(path.join(d, "m/n"), {recursive: true}); })
        .then((first) => { console.log(`p mkdir: ${path.basename(first)}`); return fsp.rename(b, path.join(d, "q.txt")); })
        .then((v) => fsp.unlink(path.join(d, "q.txt")))
        .then((v) => fsp.readFile(path.join(d, "q.txt")))
        .catch((e) => { console.log(`p rejected: ${e.code} ${e.syscall} ${path.basename(e.path)}`); return require("fs").promises.rm(d, {recursive: true, force: true}); })
        .then((v) => console.log(`p rm: ${u(v)} ${require("fs").existsSync(d)}`));
}

fs.mkdir(path.join(d, "sub"), (err) => {
    console.log(`mkdir: ${u(err)}`);
    fs.writeFile(a, "one", (err) => {
        console.log(`writeFile: ${u(err)}`);
        fs.appendFile(a, " two", (err) => {
            fs.readFile(a, "utf8", (err, text) => {
                console.log(`readFile: ${text}`);
                fs.readFile(a, (err, buf) => {
                    console.log(`readFile buffer: ${buf.length}`);
                    fs.readdir(d, (err, names) => {
                        console.log(`readdir: ${L(names)}`);
                        fs.stat(a, (err, s) => {
                            console.log(`stat: ${s.isFile()} ${s.size}`);
                            fs.rename(a, path.join(d, "b.txt"), (err) => {
                                fs.unlink(path.join(d, "b.txt"), (err) => {
                                    console.log(`unlink: ${u(err)}`);
                                    fs.readFile(a, (err, data) => {
                                        console.log(`missing: ${err.code} ${err.errno} ${err.syscall} ${u(data)}`);
                                        fs.rm(path.join(d, "sub"), {recursive: true}, (err) => {
                                            console.log(`rm: ${u(err)} ${fs.existsSync(path.join(d, "sub"))}`);
                                            promised(d);
                                        });
                                    });
                                });
                            });
                        });
                    });
                });
            });
        });
    });
});
