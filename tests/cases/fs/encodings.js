// Strings written in an encoding and files read back in each encoding.
const fs = require("fs");
const path = require("path");
const d = fs.mkdtempSync(path.join(require("os").tmpdir(), "procbox-enc-"));
const f = path.join(d, "f");
const cases = [["utf8", "héllo €"], ["latin1", "héllo"], ["ascii", "plain"], ["hex", "00ff7f80zz"], ["hex", "abc"], ["base64", "aGVsbG8gd29ybGQ="], ["base64", "aGVsbG8"], ["base64url", "-_8"], ["utf16le", "hé€"]];
for (const c of cases) {
    fs.writeFileSync(f, c[1], {encoding: c[0]});
    console.log(`${c[0]} "${c[1]}" -> ${fs.readFileSync(f, "hex")}`);
}
fs.writeFileSync(f, "68656c6c6f", "hex");
console.log(`string option: ${fs.readFileSync(f, "utf8")}`);
fs.appendFileSync(f, "IQ==", {encoding: "base64"});
console.log(`append base64: ${fs.readFileSync(f, "latin1")}`);
const fd = fs.openSync(f, "w");
console.log(`writeSync hex: ${fs.writeSync(fd, "414243", null, "hex")}`);
fs.closeSync(fd);
console.log(`back: ${fs.readFileSync(f, "utf8")} ${fs.readFileSync(f, "base64")} ${fs.readFileSync(f, "utf16le").length}`);
fs.rmSync(d, {recursive: true});
