// fs.promises.open() gives a FileHandle: fd, appendFile/writeFile/readFile/stat/close.
const fsp = require("fs/promises");
const fs = require("fs");
const path = require("path");
const d = fs.mkdtempSync(path.join(require("os").tmpdir(), "procbox-fh-"));
const f = path.join(d, "log");
let w = null;
fsp.open(f, "a")
    .then((h) => { w = h; console.log(`opened: ${h.fd > 2}`); return h.appendFile("one\n"); })
    .then((v) => w.writeFile("two\n"))
    .then((v) => w.stat())
    .then((s) => { console.log(`size: ${s.size}`); return w.close(); })
    .then((v) => { console.log(`closed: ${v ?? ""} ${w.fd}`); return fsp.open(f); })
    .then((h) => { w = h; return h.readFile("utf8"); })
    .then((text) => { console.log(`read: ${text.length} ${text == "one\ntwo\n"}`); return w.close(); })
    .then((v) => fsp.open(path.join(d, "missing")))
    .catch((e) => console.log(`open missing: ${e.code} ${e.syscall}`))
    .then((v) => { fs.rmSync(d, {recursive: true}); console.log(`cleaned: ${!fs.existsSync(d)}`); });
