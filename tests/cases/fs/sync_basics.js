// fs synchronous API: files, directories, stats, links, descriptors; all under a temp dir.
const fs = require("fs");
const path = require("node:path");
const os = require("os");
const L = (a) => `[${a.map((x) => JSON.stringify(x)).join(", ")}]`;
const d = fs.mkdtempSync(path.join(os.tmpdir(), "procbox-fs-"));
console.log(`mkdtemp: ${path.basename(d).length == 17} ${fs.existsSync(d)}`);
let f = path.join(d, "a.txt");
fs.writeFileSync(f, "hello");
fs.appendFileSync(f, " world\n");
fs.appendFileSync(f, fs.readFileSync(f));
const text = fs.readFileSync(f, "utf8");
console.log(`text: ${text.length} ${text == "hello world\nhello world\n"}`);
const buf = fs.readFileSync(f);
console.log(`buffer: ${buf.length} ${buf.toString("hex") == "68656c6c6f20776f726c640a68656c6c6f20776f726c640a"}`);
console.log(`options map: ${fs.readFileSync(f, {encoding: "base64"})}`);
fs.writeFileSync(f, "x", {flag: "a"});
console.log(`flag a: ${fs.readFileSync(f, "latin1").length}`);
console.log(`exists: ${fs.existsSync(f)} ${fs.existsSync(path.join(d, "nope"))} ${fs.existsSync(42)}`);
// directories
const first = fs.mkdirSync(path.join(d, "x/y/z"), {recursive: true});
console.log(`mkdir recursive returns first created: ${first == path.join(d, "x")}`);
console.log(`mkdir recursive existing: ${fs.mkdirSync(path.join(d, "x"), {recursive: true}) ?? ""}`);
fs.mkdirSync(path.join(d, "plain"));
fs.writeFileSync(path.join(d, "x/b.bin"), "");
console.log(`readdir: ${L(fs.readdirSync(d))}`);
for (const e of fs.readdirSync(d, {withFileTypes: true})) {
    console.log(`  ${e.name} file=${e.isFile()} dir=${e.isDirectory()} link=${e.isSymbolicLink()} parent=${e.parentPath == d}`);
}
// stats
const s = fs.statSync(f);
console.log(`stat: file=${s.isFile()} dir=${s.isDirectory()} size=${s.size} regular=${(s.mode & 0xf000) == fs.constants.S_IFREG} mtime>0=${s.mtimeMs > 0.0} nlink=${s.nlink}`);
const sd = fs.statSync(d);
console.log(`stat dir: ${sd.isDirectory()} ${sd.isFile()} ${(sd.mode & 0xf000) == fs.constants.S_IFDIR}`);
console.log(`throwIfNoEntry false: ${fs.statSync(path.join(d, "nope"), {throwIfNoEntry: false}) == undefined}`);
// links
fs.symlinkSync("a.txt", path.join(d, "link"));
console.log(`lstat link: ${fs.lstatSync(path.join(d, "link")).isSymbolicLink()} stat follows: ${fs.statSync(path.join(d, "link")).isFile()}`);
console.log(`readlink: ${fs.readlinkSync(path.join(d, "link"))}`);
console.log(`realpath: ${fs.realpathSync(path.join(d, "x/../link")) == fs.realpathSync(f)}`);
// rename, copy, unlink, rm
fs.renameSync(f, path.join(d, "b.txt"));
fs.copyFileSync(path.join(d, "b.txt"), path.join(d, "c.txt"));
console.log(`after rename+copy: ${L(fs.readdirSync(d))} ${fs.readFileSync(path.join(d, "c.txt"), "utf8").length}`);
fs.unlinkSync(path.join(d, "c.txt"));
fs.rmSync(path.join(d, "nope"), {force: true});
fs.rmSync(path.join(d, "x"), {recursive: true});
fs.rmdirSync(path.join(d, "plain"));
console.log(`after rm: ${L(fs.readdirSync(d))}`);
// descriptors
const log = path.join(d, "log");
let fd = fs.openSync(log, "a");
console.log(`fd is a number > 2: ${fd > 2}`);
console.log(`writeSync: ${fs.writeSync(fd, "one\n")} ${fs.writeSync(fd, fs.readFileSync(path.join(d, "b.txt")), 0, 5)}`);
fs.closeSync(fd);
fd = fs.openSync(log, "r");
console.log(`fstat size: ${fs.fstatSync(fd).size}`);
fs.closeSync(fd);
console.log(`log: ${fs.readFileSync(log, "utf8").length}`);
fs.writeFileSync(log, "replaced");
console.log(`writeFile truncates: ${fs.readFileSync(log, "utf8")}`);
fs.truncateSync(log, 3);
console.log(`truncate: ${fs.readFileSync(log, "utf8")}`);
fs.chmodSync(log, 0x180);
console.log(`chmod: ${fs.statSync(log).mode & 0x1ff}`);
fs.accessSync(log, fs.constants.R_OK);
fs.rmSync(d, {recursive: true, force: true});
console.log(`cleaned: ${fs.existsSync(d)}`);
