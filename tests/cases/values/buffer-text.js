// A Buffer (a child's output chunk) in a template string is its UTF-8 text, as
// `"" + chunk` is; console.log shows it as Node does (issue 10, point 5).
const cp = require("child_process");
let child = cp.spawn("printf", ["h\\303\\251 there\\n"]);
child.stdout.on("data", (chunk) => {
    console.log(`data: ${chunk}`);
    console.log("concat: " + chunk);
    console.log(chunk);
    console.log("length:", chunk.length);
});
child.on("close", (code) => {
    let big = cp.spawnSync("head", ["-c", "64", "/dev/zero"]).stdout;
    console.log(big);
    console.log([chunk_of("ab")]);
    console.log(`empty: [${chunk_of("")}]`);
});

function chunk_of(s) { return Buffer.from(s); }
