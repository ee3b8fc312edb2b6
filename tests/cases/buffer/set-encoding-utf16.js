// setEncoding("utf16le") on a child's stdout: a surrogate pair (U+1F600) written in
// two pieces, with a pause between, waits until both halves came; an odd byte waits
// for its pair. Each `data` chunk is printed as JSON: none holds half a character.
const cp = require("child_process");

function collect(cmd, label, done) {
    const chunks = [];
    const out = cp.spawn("sh", ["-c", cmd]).stdout;
    out.setEncoding("utf16le");
    out.on("data", (chunk) => chunks.push(chunk));
    out.on("end", () => {
        console.log(label, JSON.stringify(chunks), JSON.stringify(chunks.reduce((s, c) => s + c, "")));
        done();
    });
}

const steps = [
    (next) => collect("printf 'A\\000=\\330'; sleep 0.1; printf '\\000\\336B\\000'", "pair split:", next),
    (next) => collect("printf 'A'; sleep 0.1; printf '\\000B\\000'", "odd byte:", next),
    (next) => collect("printf 'A\\000B'", "odd byte at the end:", next),
];
function runSteps(steps, i) {
    if (i < steps.length) {
        steps[i](() => runSteps(steps, i + 1));
    }
}
runSteps(steps, 0);
