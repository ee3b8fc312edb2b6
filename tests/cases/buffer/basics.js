// Buffer.from/alloc/concat/isBuffer/byteLength, toString in each encoding,
// length, slice, equals, indexOf, indexing, and require("buffer").Buffer.
const b = Buffer.from("héllo");
console.log(b.length, b[0], b[1], b.toString(), b.toString("hex"), b.toString("base64"));
console.log(b.toString("latin1").length, b.toString("utf8", 0, 3), b.toString("ascii"));
console.log(Buffer.from("68690a", "hex").toString() == "hi\n", Buffer.from("aGVsbG8=", "base64").toString());
console.log(Buffer.from("aGVsbG8", "base64").toString(), Buffer.from("-_8", "base64url").toString("hex"));
console.log(Buffer.from("é", "latin1").toString("hex"), Buffer.from("hi", "utf16le").toString("hex"));
console.log(Buffer.from([104, 105, 256, -1]).toString("hex"));
const c = Buffer.from(b);
c[0] = 72;
console.log(b.toString(), c.toString(), b.equals(c), b.equals(Buffer.from("héllo")));
console.log(Buffer.alloc(3).toString("hex"), Buffer.alloc(5, "ab").toString(), Buffer.alloc(2, 255).toString("hex"));
const all = Buffer.concat([Buffer.from("ab"), Buffer.from("cd"), Buffer.alloc(0)]);
console.log(all.toString(), all.length, Buffer.concat([all], 2).toString(), Buffer.concat([all], 6).toString("hex"));
console.log(all.slice(1).toString(), all.slice(1, 3).toString(), all.slice(-2).toString(), all.slice(3, 1).length);
console.log(all.subarray(0, -1).toString(), all.indexOf("cd"), all.indexOf(99), all.indexOf("x"), all.includes("bc"));
console.log(Buffer.isBuffer(all), Buffer.isBuffer("ab"), Buffer.byteLength("héllo"), Buffer.byteLength("aGk=", "base64"));
console.log(Buffer.isEncoding("utf-8"), Buffer.isEncoding("nope"));
console.log(Buffer.from("hi").toJSON().type, JSON.stringify(Buffer.from("hi").toJSON().data));
const B = require("node:buffer").Buffer;
console.log(B.from("via module").toString());
try {
    Buffer.from("x", "nope");
} catch (e) {
    console.log(e.code, e.message);
}
try {
    Buffer.alloc("3");
} catch (e) {
    console.log(e.code, e.message);
}
try {
    Buffer.from(5);
} catch (e) {
    console.log(e.code, e.message);
}
const d = new (require("string_decoder").StringDecoder)("utf8");
console.log(JSON.stringify([d.write(Buffer.from([0xe2, 0x82])), d.write(Buffer.from([0xac, 0x41])), d.end(Buffer.from([0xe2]))]));
const h = new (require("node:string_decoder").StringDecoder)("hex");
console.log(h.write(Buffer.from("hi")), h.end(), h.encoding);
