//! Each `fs` operation as a [`Plan`]: its arguments checked on the loop, a `Send`
//! job (plain data in, plain data out) that the `*Sync` form runs at once and the
//! callback and promise forms run on a worker, and the shaping of the job's result
//! into a script value, back on the loop. One table, so the three forms agree.

use rhai::{Array, Dynamic};

use super::args::{self, Res, Target};
use super::stats::{Dirent, Stats};
use crate::sys::errno::Errno;
use crate::sys::fs::{self as core, Failure, Kind, Stat};

/// A job's result: plain data that may cross threads.
pub enum Out {
    Unit,
    Bytes(Vec<u8>),
    Text(String),
    MaybeText(Option<String>),
    Entries(Vec<(String, Kind)>),
    Stat(Stat),
    NoEntry,
    Int(i64),
}

pub type Job = Box<dyn FnOnce() -> Result<Out, Failure> + Send>;
pub type Shape = Box<dyn FnOnce(Out) -> Dynamic>;

pub struct Plan {
    pub job: Job,
    pub shape: Shape,
}

fn sys<T>(r: core::FsResult<T>) -> Result<T, Failure> {
    r.map_err(Failure::Sys)
}

fn plan(job: impl FnOnce() -> Result<Out, Failure> + Send + 'static) -> Plan {
    Plan { job: Box::new(job), shape: Box::new(plain) }
}

/// The default shaping: nothing, a string, a number.
fn plain(out: Out) -> Dynamic {
    match out {
        Out::Text(s) => s.into(),
        Out::MaybeText(s) => s.map(Dynamic::from).unwrap_or(Dynamic::UNIT),
        Out::Int(n) => n.into(),
        Out::Bytes(b) => Dynamic::from_blob(b),
        Out::Stat(s) => Dynamic::from(Stats::new(s)),
        _ => Dynamic::UNIT,
    }
}

fn arg(a: &[Dynamic], i: usize) -> Option<&Dynamic> {
    a.get(i)
}

fn need(a: &[Dynamic], i: usize) -> Dynamic {
    a.get(i).cloned().unwrap_or(Dynamic::UNIT)
}

/// The operations, by Node's name (without `Sync`).
pub const OPS: &[&str] = &[
    "readFile",
    "writeFile",
    "appendFile",
    "mkdir",
    "mkdtemp",
    "readdir",
    "stat",
    "lstat",
    "fstat",
    "unlink",
    "rmdir",
    "rm",
    "rename",
    "copyFile",
    "realpath",
    "readlink",
    "symlink",
    "chmod",
    "access",
    "open",
    "close",
    "truncate",
];

/// Checks the arguments of `op` and plans it.
pub fn make(op: &str, a: &[Dynamic]) -> Res<Plan> {
    super::guard::check(op, a)?;
    Ok(match op {
        "readFile" => {
            let target = args::target(&need(a, 0))?;
            let opts = args::options(arg(a, 1))?;
            let enc = args::encoding_of(&opts)?;
            let flags = args::flags(opts.get("flag"), "r")?;
            Plan {
                job: Box::new(move || {
                    sys(match target {
                        Target::Path(p) => core::read_file(&p, flags),
                        Target::Fd(fd) => core::read_fd(fd),
                    })
                    .map(Out::Bytes)
                }),
                shape: Box::new(move |out| match out {
                    Out::Bytes(b) => args::bytes_value(b, enc),
                    other => plain(other),
                }),
            }
        }
        "writeFile" | "appendFile" => {
            let target = args::target(&need(a, 0))?;
            let opts = args::options(arg(a, 2))?;
            let data = args::data(&need(a, 1), args::encoding_of(&opts)?)?;
            let flags = args::flags(opts.get("flag"), if op == "writeFile" { "w" } else { "a" })?;
            let mode = args::mode(opts.get("mode"), 0o666)?;
            plan(move || {
                sys(match target {
                    Target::Path(p) => core::write_file(&p, &data, flags, mode),
                    Target::Fd(fd) => core::write_all(fd, &data),
                })
                .map(|_| Out::Unit)
            })
        }
        "mkdir" => {
            let p = args::path(&need(a, 0), "path")?;
            let (recursive, mode) = match arg(a, 1) {
                Some(v) if v.is_map() => {
                    let o = args::options(Some(v))?;
                    (args::flag(&o, "recursive"), args::mode(o.get("mode"), 0o777)?)
                }
                other => (false, args::mode(other, 0o777)?),
            };
            plan(move || sys(core::mkdir(&p, recursive, mode)).map(Out::MaybeText))
        }
        "mkdtemp" => {
            let prefix = args::path(&need(a, 0), "prefix")?;
            plan(move || sys(core::mkdtemp(&prefix)).map(Out::Text))
        }
        "readdir" => {
            let p = args::path(&need(a, 0), "path")?;
            let opts = args::options(arg(a, 1))?;
            let typed = args::flag(&opts, "withFileTypes");
            let dir = p.clone();
            Plan {
                job: Box::new(move || sys(core::readdir(&p)).map(Out::Entries)),
                shape: Box::new(move |out| {
                    let Out::Entries(list) = out else { return Dynamic::UNIT };
                    let items: Array = list
                        .into_iter()
                        .map(
                            |(name, kind)| {
                                if typed { Dynamic::from(Dirent::new(name, dir.clone(), kind)) } else { name.into() }
                            },
                        )
                        .collect();
                    items.into()
                }),
            }
        }
        "stat" | "lstat" => {
            let p = args::path(&need(a, 0), "path")?;
            let opts = args::options(arg(a, 1))?;
            // `throwIfNoEntry: false` gives undefined for a missing path (sync only in Node).
            let quiet = opts.get("throwIfNoEntry").is_some_and(|v| v.as_bool() == Ok(false));
            let link = op == "lstat";
            plan(move || {
                let r = if link { core::lstat(&p) } else { core::stat(&p) };
                match r {
                    Err(e) if quiet && matches!(e.errno, Errno::ENOENT | Errno::ENOTDIR) => Ok(Out::NoEntry),
                    r => sys(r).map(Out::Stat),
                }
            })
        }
        "fstat" => {
            let fd = args::fd(&need(a, 0))?;
            plan(move || sys(core::fstat(fd)).map(Out::Stat))
        }
        "unlink" | "rmdir" => {
            let p = args::path(&need(a, 0), "path")?;
            let dir = op == "rmdir";
            plan(move || sys(if dir { core::rmdir(&p) } else { core::unlink(&p) }).map(|_| Out::Unit))
        }
        "rm" => {
            let p = args::path(&need(a, 0), "path")?;
            let opts = args::options(arg(a, 1))?;
            let (recursive, force) = (args::flag(&opts, "recursive"), args::flag(&opts, "force"));
            plan(move || core::rm(&p, recursive, force).map(|_| Out::Unit))
        }
        "rename" | "copyFile" | "symlink" => {
            let from = args::path(&need(a, 0), if op == "symlink" { "target" } else { "oldPath" })?;
            let to = args::path(&need(a, 1), if op == "symlink" { "path" } else { "newPath" })?;
            let excl = op == "copyFile" && arg(a, 2).and_then(|m| m.as_int().ok()).is_some_and(|m| m & 1 != 0);
            let op = op.to_string();
            plan(move || {
                sys(match op.as_str() {
                    "rename" => core::rename(&from, &to),
                    "symlink" => core::symlink(&from, &to),
                    _ => core::copy_file(&from, &to, excl),
                })
                .map(|_| Out::Unit)
            })
        }
        "realpath" | "readlink" => {
            let p = args::path(&need(a, 0), "path")?;
            let real = op == "realpath";
            plan(move || sys(if real { core::realpath(&p) } else { core::readlink(&p) }).map(Out::Text))
        }
        "chmod" => {
            let p = args::path(&need(a, 0), "path")?;
            let mode = args::mode(Some(&need(a, 1)), 0)?;
            plan(move || sys(core::chmod(&p, mode)).map(|_| Out::Unit))
        }
        "access" => {
            let p = args::path(&need(a, 0), "path")?;
            let mode = arg(a, 1).and_then(|m| m.as_int().ok()).unwrap_or(0) as i32;
            plan(move || sys(core::access(&p, mode)).map(|_| Out::Unit))
        }
        "open" => {
            let p = args::path(&need(a, 0), "path")?;
            let flags = args::flags(arg(a, 1), "r")?;
            let mode = args::mode(arg(a, 2), 0o666)?;
            plan(move || sys(core::open(&p, flags, mode)).map(|fd| Out::Int(fd as i64)))
        }
        "close" => {
            let fd = args::fd(&need(a, 0))?;
            plan(move || sys(core::close(fd)).map(|_| Out::Unit))
        }
        "truncate" => {
            let p = args::path(&need(a, 0), "path")?;
            let len = arg(a, 1).and_then(|v| v.as_int().ok()).unwrap_or(0);
            plan(move || sys(core::truncate(&p, len)).map(|_| Out::Unit))
        }
        _ => unreachable!("unknown fs operation {op}"),
    })
}

/// Runs a plan on the calling thread (the `*Sync` forms): the value, or a throw.
pub fn run_now(p: Plan) -> Res<Dynamic> {
    match (p.job)() {
        Ok(out) => Ok((p.shape)(out)),
        Err(f) => Err(crate::value::error::throw(args::failure(&f))),
    }
}
