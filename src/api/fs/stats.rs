//! `fs.Stats` (what `stat` gives) and `fs.Dirent` (what `readdir` gives with
//! `withFileTypes`), with Node's getters and `is…()` methods.
//!
//! ```rhai
//! let s = fs.statSync("/etc/hostname");
//! print(`${s.isFile()} ${s.size} ${s.mode} ${s.mtimeMs}`);
//! for d in fs.readdirSync("/", #{withFileTypes: true}) { print(`${d.name} ${d.isDirectory()}`); }
//! ```

use std::rc::Rc;

use rhai::{Dynamic, Engine};

use crate::sys::fs::{Kind, Stat};
use crate::value::js_number;

#[derive(Clone)]
pub struct Stats(pub Rc<Stat>);

impl Stats {
    pub fn new(s: Stat) -> Stats {
        Stats(Rc::new(s))
    }
}

#[derive(Clone)]
pub struct Dirent(Rc<(String, String, Kind)>);

impl Dirent {
    pub fn new(name: String, parent: String, kind: Kind) -> Dirent {
        Dirent(Rc::new((name, parent, kind)))
    }
}

/// How `console.log` shows them (Node's layout, without the `Date` fields) and the
/// module objects.
pub fn describe(v: &Dynamic) -> Option<String> {
    if let Some(s) = v.read_lock::<Stats>() {
        let s = &s.0;
        let ints = [
            ("dev", s.dev),
            ("mode", s.mode),
            ("nlink", s.nlink),
            ("uid", s.uid),
            ("gid", s.gid),
            ("rdev", s.rdev),
            ("blksize", s.blksize),
            ("ino", s.ino),
            ("size", s.size),
            ("blocks", s.blocks),
        ];
        let floats = [
            ("atimeMs", s.atime_ms),
            ("mtimeMs", s.mtime_ms),
            ("ctimeMs", s.ctime_ms),
            ("birthtimeMs", s.birthtime_ms),
        ];
        let fields: Vec<String> = ints
            .iter()
            .map(|(k, v)| format!("  {k}: {v}"))
            .chain(floats.iter().map(|(k, v)| format!("  {k}: {}", js_number(*v))))
            .collect();
        return Some(format!("Stats {{\n{}\n}}", fields.join(",\n")));
    }
    if v.is::<super::FsModule>() {
        return Some("[module fs]".into());
    }
    if v.is::<super::FsPromises>() {
        return Some("[module fs/promises]".into());
    }
    if let Some(d) = v.read_lock::<Dirent>() {
        return Some(format!("Dirent {{ name: '{}', parentPath: '{}', path: '{}' }}", d.0.0, d.0.1, d.0.1));
    }
    None
}

/// The `is…()` method for each file type.
const KIND_TESTS: [(&str, Kind); 7] = [
    ("isFile", Kind::File),
    ("isDirectory", Kind::Dir),
    ("isSymbolicLink", Kind::Symlink),
    ("isFIFO", Kind::Fifo),
    ("isSocket", Kind::Socket),
    ("isCharacterDevice", Kind::Char),
    ("isBlockDevice", Kind::Block),
];

pub fn register(engine: &mut Engine) {
    engine.register_type_with_name::<Stats>("Stats");
    macro_rules! ints {
        ($($name:literal => $field:ident),*) => {$(
            engine.register_get($name, |s: &mut Stats| s.0.$field);
        )*};
    }
    ints!("dev" => dev, "ino" => ino, "mode" => mode, "nlink" => nlink, "uid" => uid, "gid" => gid,
          "rdev" => rdev, "size" => size, "blksize" => blksize, "blocks" => blocks,
          "atimeMs" => atime_ms, "mtimeMs" => mtime_ms, "ctimeMs" => ctime_ms, "birthtimeMs" => birthtime_ms);
    engine.register_fn("to_string", |s: &mut Stats| format!("Stats {{ size: {}, mode: {} }}", s.0.size, s.0.mode));

    engine.register_type_with_name::<Dirent>("Dirent");
    engine.register_get("name", |d: &mut Dirent| d.0.0.clone());
    engine.register_get("parentPath", |d: &mut Dirent| d.0.1.clone());
    engine.register_get("path", |d: &mut Dirent| d.0.1.clone());
    // Node's `is…()` methods, the same on both: one per file type.
    for (name, kind) in KIND_TESTS {
        engine.register_fn(name, move |s: &mut Stats| s.0.kind() == kind);
        engine.register_fn(name, move |d: &mut Dirent| d.0.2 == kind);
    }
    engine.register_fn("to_string", |d: &mut Dirent| format!("Dirent {{ name: '{}' }}", d.0.0));
}
