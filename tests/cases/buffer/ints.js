// Integer reads and writes, fill and compare.
const b = Buffer.from([0x12, 0x34, 0x56, 0x78, 0xfe, 0xff, 0x80, 0x01]);
console.log(b.readUInt8(0), b.readInt8(4), b.readUInt16LE(0), b.readUInt16BE(0), b.readInt16LE(4), b.readInt16BE(6));
console.log(b.readUInt32LE(0), b.readUInt32BE(0), b.readInt32LE(4), b.readInt32BE(4), b.readUint8(7));
const w = Buffer.alloc(8);
console.log(w.writeUInt16BE(0xabcd, 0), w.writeInt16LE(-2, 2), w.writeUInt32LE(0xdeadbeef, 4), w.toString("hex"));
console.log(w.writeInt8(-1), w.writeUInt8(7, 1), w.toString("hex"));
for (const f of [() => w.readUInt32LE(5), () => w.writeUInt8(256, 0), () => w.writeInt16BE(40000, 0), () => w.writeUInt32BE(-1, 0)]) {
    try {
        f();
    } catch (e) {
        console.log(e.code, e.message);
    }
}
console.log(Buffer.alloc(4).fill(7).toString("hex"), Buffer.alloc(5).fill("ab").toString());
console.log(Buffer.compare(Buffer.from("a"), Buffer.from("b")), Buffer.from("b").compare(Buffer.from("a")), Buffer.from("a").compare(Buffer.from("a")));
