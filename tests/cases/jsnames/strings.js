// JS names on strings: each returns a new value; the receiver is unchanged.
const s = "  Hello, World  ";
const t = s.trim();
console.log(`[${t}] [${s}]`, t.length, s.length);
console.log(`[${s.trimStart()}] [${s.trimEnd()}]`, "\t x \n".trim().length);
console.log(t.toUpperCase(), t.toLowerCase(), "ÉTÉ straße".toLowerCase(), "straße".toUpperCase());
console.log(t.includes("World"), t.includes("world"), t.includes("H", 1), t.includes(""));
console.log(t.startsWith("Hell"), t.startsWith("World", 7), t.endsWith("d"), t.endsWith("Hello", 5));
console.log(t.indexOf("o"), t.indexOf("o", 5), t.indexOf("zz"), t.indexOf(""), t.indexOf("", 99));
console.log(t.lastIndexOf("o"), t.lastIndexOf("o", 7), t.lastIndexOf("H", 0), t.lastIndexOf("x"));
console.log(t.slice(7), t.slice(-5), t.slice(0, -7), t.slice(3, 1), t.slice(-100, 2));
console.log(t.substring(7), t.substring(7, 0), t.substring(-3, 2), t.substring(5, 99));
console.log(t.split(", "), "Hello".split(""), t.split("o", 2), "a,,b,".split(","));
console.log("".split(","), "abc".split("", 2), "a b".split("x"), "a-b-c".split("-", 0));
console.log("5".padStart(3, "0"), "5".padEnd(3), "abc".padStart(8, "12"), "abc".padEnd(2, "x"), "x".padStart(4, ""));
console.log("ab".repeat(3), "ab".repeat(0).length, "-".repeat(5));
console.log("a-b-c".replace("-", "+"), "a-b-c".replaceAll("-", "+"), "abc".replace("", "_"), "abc".replaceAll("", "_"));
console.log("price: 5".replace("5", "$$5 ($&)"), "a.b.c".replace(".", "[$`|$']"), "aaa".replaceAll("a", "b"));
console.log("a1b22".replace("2", (m, i) => `<${m}@${i}>`), "x-y".replaceAll("-", (m) => m + m));
console.log(t.at(0), t.at(-1), t.at(99) === undefined, t.charAt(1), `[${t.charAt(99)}]`);
console.log(t.charCodeAt(0), t.charCodeAt(), t.charCodeAt(99), "é".charCodeAt(0));
console.log("abc".toString(), "a".localeCompare("b"), "b".localeCompare("a"), "a".localeCompare("a"));
console.log(["b", "A", "a", "_", "1", "B"].sort((x, y) => x.localeCompare(y)));
// Chained, as process scripts use them.
const out = "  pid 42, ppid 1\n";
const fields = out.trim().split(", ").map((f) => f.split(" ")[1]);
console.log(fields, out.trim().length, JSON.stringify(out));
console.log("héllo wörld".length, "héllo wörld".indexOf("wö"), "héllo wörld".slice(1, 5), "héllo".toUpperCase());
const line = "x".repeat(3) + "|" + "42".padStart(5) + "|";
console.log(line, line.length);
try {
  "x".repeat(-1);
} catch (e) {
  console.log(e.name, e.message);
}
