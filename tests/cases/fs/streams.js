// File streams: createWriteStream (flags, write/end/finish/close), createReadStream
// (data/end/close, encoding), and pipe() between files and a child's stdio.
const fs = require("fs");
const path = require("path");
const cp = require("child_process");
const d = fs.mkdtempSync(path.join(require("os").tmpdir(), "procbox-streams-"));
const a = path.join(d, "a.txt");

function copy_through_cat(d, a) {
    const fs = require("fs");
    const path = require("path");
    const c = path.join(d, "c.txt");
    const cat = require("child_process").spawn("cat");
    const out = fs.createWriteStream(c);
    cat.stdout.pipe(out);
    out.on("finish", () => {
        const text = fs.readFileSync(c, "utf8");
        console.log(`child -> file: ${text.length} ${text == fs.readFileSync(a, "utf8")}`);
        const wc = require("child_process").spawn("wc", ["-c"]);
        wc.stdout.setEncoding("utf8");
        wc.stdout.on("data", (n) => console.log(`file -> child: ${n.trim()}`));
        wc.on("close", (code) => {
            console.log(`wc closed: ${code}`);
            fs.rmSync(d, {recursive: true});
            console.log(`cleaned: ${!fs.existsSync(d)}`);
            const bad = fs.createReadStream(path.join(d, "missing"));
            bad.on("error", (e) => console.log(`read stream error: ${e.code} ${e.syscall}`));
        });
        fs.createReadStream(c).pipe(wc.stdin);
    });
    fs.createReadStream(a).pipe(cat.stdin);
}

const w = fs.createWriteStream(a);
w.on("open", (fd) => console.log(`w open: ${fd > 2}`));
w.on("ready", () => console.log("w ready"));
w.on("finish", () => console.log("w finish"));
w.on("close", () => {
    console.log("w close");
    const w2 = fs.createWriteStream(a, {flags: "a"});
    w2.end("appended\n");
    w2.on("finish", () => {
        const r = fs.createReadStream(a, {encoding: "utf8"});
        let text = "";
        r.on("open", (fd) => console.log(`r open: ${fd > 2}`));
        r.on("ready", () => console.log("r ready"));
        r.on("data", (chunk) => text += chunk);
        r.on("end", () => console.log(`r end: ${text.length} ${text.endsWith("line 29999\nappended\n")}`));
        r.on("close", () => {
            console.log("r close");
            const b = path.join(d, "b.txt");
            const dest = fs.createReadStream(a).pipe(fs.createWriteStream(b));
            dest.on("finish", () => {
                console.log(`file -> file: ${fs.readFileSync(b).length == fs.readFileSync(a).length}`);
                copy_through_cat(d, a);
            });
        });
    });
});
for (let i = 0; i < 30000; i++) {
    w.write("line " + i + "\n");
}
w.end();
