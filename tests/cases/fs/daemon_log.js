// The article's daemon logging: descriptors from openSync(log, "a") given as a child's
// stdout and stderr; both streams land in the log, and ours stay usable.
const fs = require("fs");
const path = require("path");
const cp = require("child_process");
const d = fs.mkdtempSync(path.join(require("os").tmpdir(), "procbox-daemon-log-"));
const log = path.join(d, "stdout.log");
fs.writeFileSync(log, "started\n");
const out = fs.openSync(log, "a");
const err = fs.openSync(log, "a");
const child = cp.spawn("sh", ["-c", "echo to stdout; echo to stderr >&2"], {stdio: ["ignore", out, err], detached: true});
console.log(`child stdio not piped: ${child.stdout == null} ${child.stderr == null}`);
child.on("close", (code) => {
    console.log(`child closed: ${code}`);
    fs.writeSync(out, "parent wrote too\n");
    fs.closeSync(out);
    fs.closeSync(err);
    console.log(fs.readFileSync(log, "utf8"));
    fs.rmSync(d, {recursive: true});
});
