// path (POSIX): Node's edge cases for every function, compared with Node's output.
const path = require("path");
const norm = ["", ".", "./", "..", "../", "/", "//", "///a//b", "/foo/bar//baz/asdf/quux/..", "a/../..", "/../..", "./a/./b/", "a//b/../c/", "../../a/./b/", "...", "a/...", ".a", "a.", "/a/b/c/../../..", "//a/b"];
for (const p of norm) { console.log(`normalize("${p}") = "${path.normalize(p)}"`); }
console.log(`join() = "${path.join()}"`);
console.log(`join("", "") = "${path.join("", "")}"`);
console.log(`join("/foo", "bar", "baz/asdf", "quux", "..") = "${path.join("/foo", "bar", "baz/asdf", "quux", "..")}"`);
console.log(`join("a", "", "b/") = "${path.join("a", "", "b/")}"`);
console.log(`join("/", "..", "x") = "${path.join("/", "..", "x")}"`);
console.log(`join("..", "..", "x") = "${path.join("..", "..", "x")}"`);
console.log(`resolve("/foo/bar", "./baz") = "${path.resolve("/foo/bar", "./baz")}"`);
console.log(`resolve("/foo/bar", "/tmp/file/") = "${path.resolve("/foo/bar", "/tmp/file/")}"`);
console.log(`resolve("/", "..", "..") = "${path.resolve("/", "..", "..")}"`);
console.log(`resolve("a", "b") == cwd/a/b: ${path.resolve("a", "b") == process.cwd() + "/a/b"}`);
console.log(`resolve() == cwd: ${path.resolve() == process.cwd()}`);
const rel = [["/data/orandea/test/aaa", "/data/orandea/impl/bbb"], ["/foo/bar", "/foo/bar/baz"], ["/foo/bar/baz", "/foo/bar"], ["/", "/foo"], ["/foo", "/"], ["/a/b", "/a/b"], ["/foo/bar", "/foo/barbaz"], ["/a//b/", "/a/b/c"], ["/page1/page2/foo", "/"]];
for (const r of rel) { console.log(`relative("${r[0]}", "${r[1]}") = "${path.relative(r[0], r[1])}"`); }
const names = ["", "/", "//", "/a", "/a/", "a", "a/b", "a/b/", "/a/b//", "//a", "///a", "./a", "../a/b.txt", "/a/b.tar.gz", ".bashrc", "a/.bashrc", "a..", "..", ".", "a/..", "file.", "a.b.c/", "/x/.ext.y"];
for (const p of names) {
    let q = path.parse(p);
    console.log(`"${p}": dirname="${path.dirname(p)}" basename="${path.basename(p)}" extname="${path.extname(p)}" parse=${q.root}|${q.dir}|${q.base}|${q.ext}|${q.name} abs=${path.isAbsolute(p)}`);
}
const suff = [["/a/b.html", ".html"], ["/a/b.html", "html"], ["/a/b.html", "b.html"], ["b.html", ".htm"], ["aaa/bbb", "bbb"], ["aaa/bbb/", "b"], ["a/b.js/", ".js"], ["/", "/"], ["x", ""], ["file.js.js", ".js"]];
for (const s of suff) { console.log(`basename("${s[0]}", "${s[1]}") = "${path.basename(s[0], s[1])}"`); }
console.log(`format1 = "${path.format({root: "/ignored", dir: "/home/user/dir", base: "file.txt"})}"`);
console.log(`format2 = "${path.format({root: "/", base: "file.txt", ext: "ignored"})}"`);
console.log(`format3 = "${path.format({root: "/", name: "file", ext: ".txt"})}"`);
console.log(`format4 = "${path.format({name: "file", ext: "txt"})}"`);
console.log(`format5 = "${path.format({dir: "a", name: "b"})}"`);
console.log(`format(parse) = "${path.format(path.parse("/home/u/f.txt"))}"`);
console.log(`sep="${path.sep}" delimiter="${path.delimiter}" posix=${path.posix.join("a", "b")}`);
try { path.join("a", 1); } catch (e) { console.log(`${e.code}: ${e.message}`); }
try { path.resolve("a", 1); } catch (e) { console.log(`${e.code}: ${e.message}`); }
try { path.basename(true); } catch (e) { console.log(`${e.code}: ${e.message}`); }
console.log(require("node:path").extname("x.y"));
