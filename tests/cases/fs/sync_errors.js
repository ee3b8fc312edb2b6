// fs errors: Node's code, errno, syscall, path/dest and message for each failure.
const fs = require("fs");
const path = require("path");
const d = fs.mkdtempSync(path.join(require("os").tmpdir(), "procbox-err-"));
fs.writeFileSync(path.join(d, "f"), "x");
fs.mkdirSync(path.join(d, "dir"));
fs.writeFileSync(path.join(d, "dir/inner"), "x");

function show(label, e, d) {
    const m = e.message.replaceAll(d, "TMP");
    const p = (e.path ?? "-").replaceAll(d, "TMP");
    const dest = (e.dest ?? "-").replaceAll(d, "TMP");
    console.log(`${label}: ${e.name} ${e.code} ${e.errno ?? "-"} ${e.syscall ?? "-"} ${p} ${dest} | ${m}`);
}

try { fs.readFileSync(path.join(d, "nope")); } catch (e) { show("read missing", e, d); }
try { fs.readFileSync(path.join(d, "dir")); } catch (e) { show("read dir", e, d); }
try { fs.writeFileSync(path.join(d, "nope/x"), "a"); } catch (e) { show("write no parent", e, d); }
try { fs.mkdirSync(path.join(d, "dir")); } catch (e) { show("mkdir exists", e, d); }
try { fs.mkdirSync(path.join(d, "f/g"), {recursive: true}); } catch (e) { show("mkdir under file", e, d); }
try { fs.readdirSync(path.join(d, "nope")); } catch (e) { show("readdir missing", e, d); }
try { fs.readdirSync(path.join(d, "f")); } catch (e) { show("readdir file", e, d); }
try { fs.statSync(path.join(d, "nope")); } catch (e) { show("stat", e, d); }
try { fs.lstatSync(path.join(d, "nope")); } catch (e) { show("lstat", e, d); }
try { fs.unlinkSync(path.join(d, "nope")); } catch (e) { show("unlink missing", e, d); }
try { fs.unlinkSync(path.join(d, "dir")); } catch (e) { show("unlink dir", e, d); }
try { fs.rmSync(path.join(d, "nope")); } catch (e) { show("rm missing", e, d); }
try { fs.rmSync(path.join(d, "dir")); } catch (e) { show("rm dir", e, d); }
try { fs.rmdirSync(path.join(d, "dir")); } catch (e) { show("rmdir not empty", e, d); }
try { fs.renameSync(path.join(d, "nope"), path.join(d, "y")); } catch (e) { show("rename", e, d); }
try { fs.copyFileSync(path.join(d, "nope"), path.join(d, "y")); } catch (e) { show("copyFile", e, d); }
try { fs.copyFileSync(path.join(d, "f"), path.join(d, "dir/inner"), fs.constants.COPYFILE_EXCL); } catch (e) { show("copyFile excl", e, d); }
try { fs.realpathSync(path.join(d, "nope/deeper")); } catch (e) { show("realpath", e, d); }
try { fs.readlinkSync(path.join(d, "f")); } catch (e) { show("readlink", e, d); }
try { fs.openSync(path.join(d, "f"), "wx"); } catch (e) { show("open wx", e, d); }
try { fs.openSync(path.join(d, "nope")); } catch (e) { show("open missing", e, d); }
try { fs.closeSync(999); } catch (e) { show("close", e, d); }
try { fs.mkdtempSync(path.join(d, "nope/x-")); } catch (e) { show("mkdtemp", e, d); }
try { fs.readFileSync(true); } catch (e) { show("path type", e, d); }
try { fs.openSync(path.join(d, "f"), "q"); } catch (e) { show("bad flags", e, d); }
try { fs.writeFileSync(path.join(d, "z"), 12); } catch (e) { show("bad data", e, d); }
try { fs.readFileSync(path.join(d, "f"), "bogus"); } catch (e) { show("bad encoding", e, d); }
try { fs.chmodSync(path.join(d, "nope"), 0x1a4); } catch (e) { show("chmod", e, d); }
try { fs.accessSync(path.join(d, "nope")); } catch (e) { show("access", e, d); }
fs.rmSync(d, {recursive: true});
console.log(`cleaned: ${!fs.existsSync(d)}`);
