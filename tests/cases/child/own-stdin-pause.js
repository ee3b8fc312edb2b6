// process.stdin paused in its first `data` listener call and resumed by a timer: the
// second piece is written only once the reader paused (it waits for a file the
// listener creates), so it comes after `resume`, then `end` and `close`.
const cp = require("child_process");
const flag = require("os").tmpdir() + "/procbox-stdin-pause-" + process.pid;

const code = `
let n = 0;
process.stdin.setEncoding("utf8");
process.stdin.on("data", (c) => {
    n += 1;
    console.log("data " + c.trim());
    if (n == 1) {
        process.stdin.pause();
        console.log("paused");
        require("fs").writeFileSync("${flag}", "");
        setTimeout(() => { console.log("resumed"); process.stdin.resume(); }, 300);
    }
});
process.stdin.on("end", () => console.log("end"));
process.stdin.on("close", () => console.log("close"));
`;
const writer = "echo one; while [ ! -e " + flag + " ]; do sleep 0.02; done; echo two";
const cmd = "(" + writer + ") | \"" + process.execPath + "\" -e '" + code + "'";
cp.exec(cmd, (err, out) => {
    require("fs").unlinkSync(flag);
    console.log(out.trim());
});
