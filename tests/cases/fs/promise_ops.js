// Every fs.promises operation once (Promise.all keeps the order), then the callback
// form of the same, on files prepared synchronously in a temp dir.
const fs = require("node:fs");
const path = require("path");
const d = fs.mkdtempSync(path.join(require("os").tmpdir(), "procbox-ops-"));
const f = path.join(d, "f.txt");
fs.writeFileSync(f, "0123456789");
// truncate works on its own file: copyFile and truncate on one file would race in
// the thread pool (Node's too).
fs.writeFileSync(path.join(d, "cut.txt"), "0123456789");
fs.mkdirSync(path.join(d, "empty"));
fs.symlinkSync("f.txt", path.join(d, "ln"));
const p = fs.promises;
Promise.all([
    p.copyFile(f, path.join(d, "copy.txt")),
    p.realpath(path.join(d, "ln")),
    p.access(f, fs.constants.R_OK),
    p.mkdtemp(path.join(d, "t-")),
    p.lstat(path.join(d, "ln")),
    p.readlink(path.join(d, "ln")),
    p.chmod(f, 0x1a4),
    p.truncate(path.join(d, "cut.txt"), 4),
    p.rmdir(path.join(d, "empty")),
    p.open(f, "r"),
    p.symlink("nowhere", path.join(d, "dangling")),
]).then((r) => {
    console.log(`copyFile: ${r[0] ?? ""}`);
    console.log(`realpath: ${r[1] == fs.realpathSync(f)}`);
    console.log(`access: ${r[2] ?? ""}`);
    console.log(`mkdtemp: ${path.basename(r[3]).length} ${fs.statSync(r[3]).isDirectory()}`);
    console.log(`lstat: ${r[4].isSymbolicLink()}`);
    console.log(`readlink: ${r[5]}`);
    console.log(`chmod: ${fs.statSync(f).mode & 0x1ff}`);
    console.log(`truncate: ${fs.readFileSync(path.join(d, "cut.txt"), "utf8")}`);
    console.log(`rmdir: ${fs.existsSync(path.join(d, "empty"))}`);
    console.log(`open: ${r[9].fd > 2}`);
    r[9].close().then(() => console.log(`handle closed: ${r[9].fd}`));
    console.log(`symlink: ${fs.lstatSync(path.join(d, "dangling")).isSymbolicLink()} ${fs.existsSync(path.join(d, "dangling"))}`);
    fs.copyFile(f, path.join(d, "c2"), (err) => {
        console.log(`cb copyFile: ${err ?? ""} ${fs.readFileSync(path.join(d, "c2"), "utf8")}`);
        fs.realpath(path.join(d, "ln"), (err, rp) => {
            console.log(`cb realpath: ${rp == fs.realpathSync(f)}`);
            fs.access(path.join(d, "nope"), (err) => {
                console.log(`cb access: ${err.code} ${err.syscall}`);
                fs.lstat(path.join(d, "ln"), (err, st) => {
                    console.log(`cb lstat: ${st.isSymbolicLink()}`);
                    fs.open(f, "r", (err, fd) => {
                        console.log(`cb open: ${fd > 2}`);
                        fs.close(fd, (err) => {
                            console.log(`cb close: ${err ?? ""}`);
                            fs.close(fd, (err) => {
                                console.log(`cb close again: ${err.code} ${err.syscall}`);
                                fs.rm(d, {recursive: true}, (err) => console.log(`cleaned: ${!fs.existsSync(d)}`));
                            });
                        });
                    });
                });
            });
        });
    });
});
