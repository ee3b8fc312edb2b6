//! `require("fs")`, `require("fs/promises")` and `fs.promises`: every operation in
//! three forms from one plan (`fs/plan.rs`): `readFileSync(…)` runs at once,
//! `readFile(…, cb)` runs on a worker and calls back in the poll phase,
//! `fs.promises.readFile(…)` settles there. The work itself is `crate::sys::fs`.
//!
//! ```rhai
//! let fs = require("fs");
//! fs.writeFileSync("/tmp/x.txt", "hello\n");
//! print(fs.readFileSync("/tmp/x.txt", "utf8"));
//! fs.readFile("/tmp/x.txt", |err, data| print(data.length));
//! fs.promises.stat("/tmp").then(|s| print(s.isDirectory()));
//! let log = fs.openSync("/tmp/daemon.log", "a");
//! spawn("date", [], #{stdio: ["ignore", log, log]});
//! ```
//!
//! The `libc::` names here are open, access and file-type flag bits, used as data; no
//! libc function is called here (system calls are [`crate::sys`]'s).

mod args;
mod guard;
mod handle;
mod plan;
mod queue;
mod stats;
mod streams;

use std::rc::Rc;

use rhai::{Dynamic, Engine, Map, NativeCallContext};

use crate::runtime::State;
use crate::runtime::callback::Callback;
use crate::sys::fs as core;
use crate::value::error;
use args::Res;
use plan::{OPS, make, run_now};
use queue::Requests;
pub use stats::describe;

/// What `require("fs")` returns.
#[derive(Clone)]
pub struct FsModule(Rc<Requests>);

/// `fs.promises`, `require("fs/promises")`.
#[derive(Clone)]
pub struct FsPromises(Rc<Requests>);

/// The runtime's fs request queue (a slot on the runtime state, put by [`register`]).
fn requests(st: &State) -> Rc<Requests> {
    st.slots.get::<Requests>().expect("fs is registered")
}

/// The callback form: every argument but the last is the operation's, the last is `cb`.
fn with_callback(ctx: &NativeCallContext, r: &Requests, op: &str, mut a: Vec<Dynamic>) -> Res<()> {
    // With the path alone there is no callback at all (Node: `Received undefined`).
    let cb = if a.len() < 2 { Dynamic::UNIT } else { a.pop().unwrap_or(Dynamic::UNIT) };
    let cb = args::callback(&cb)?;
    let plan = make(op, &a)?;
    r.with_callback(plan, Callback::new(ctx, cb));
    Ok(())
}

/// The promise form: argument errors reject too, as in Node's `fs/promises`.
fn with_promise(r: &Rc<Requests>, op: &str, a: &[Dynamic]) -> Dynamic {
    // `fs/promises` takes no descriptor numbers where the callback API does.
    let checked = if matches!(op, "readFile" | "writeFile" | "appendFile") && a.first().is_some_and(Dynamic::is_int) {
        args::path(&a[0], "path").map(|_| ())
    } else {
        Ok(())
    };
    match checked.and_then(|_| make(op, a)) {
        Ok(plan) if op == "open" => Dynamic::from(r.with_promise(handle::FileHandle::wrap_open(r, plan))),
        Ok(plan) => Dynamic::from(r.with_promise(plan)),
        Err(e) => {
            let p = crate::runtime::promise::Promise::pending();
            p.reject(&r.state().micro, error::to_value(&e));
            Dynamic::from(p)
        }
    }
}

fn register_ops(engine: &mut Engine) {
    for &op in OPS {
        let sync = format!("{op}Sync");
        engine.register_fn(&sync, move |_: &mut FsModule, a: Dynamic| -> Res<Dynamic> { run_now(make(op, &[a])?) });
        engine.register_fn(&sync, move |_: &mut FsModule, a: Dynamic, b: Dynamic| -> Res<Dynamic> {
            run_now(make(op, &[a, b])?)
        });
        engine.register_fn(&sync, move |_: &mut FsModule, a: Dynamic, b: Dynamic, c: Dynamic| -> Res<Dynamic> {
            run_now(make(op, &[a, b, c])?)
        });

        engine.register_fn(op, move |ctx: NativeCallContext, m: &mut FsModule, a: Dynamic| {
            with_callback(&ctx, &m.0, op, vec![a])
        });
        engine.register_fn(op, move |ctx: NativeCallContext, m: &mut FsModule, a: Dynamic, b: Dynamic| {
            with_callback(&ctx, &m.0, op, vec![a, b])
        });
        engine.register_fn(op, move |ctx: NativeCallContext, m: &mut FsModule, a: Dynamic, b: Dynamic, c: Dynamic| {
            with_callback(&ctx, &m.0, op, vec![a, b, c])
        });
        engine.register_fn(
            op,
            move |ctx: NativeCallContext, m: &mut FsModule, a: Dynamic, b: Dynamic, c: Dynamic, d: Dynamic| {
                with_callback(&ctx, &m.0, op, vec![a, b, c, d])
            },
        );

        engine.register_fn(op, move |p: &mut FsPromises, a: Dynamic| with_promise(&p.0, op, &[a]));
        engine.register_fn(op, move |p: &mut FsPromises, a: Dynamic, b: Dynamic| with_promise(&p.0, op, &[a, b]));
        engine.register_fn(op, move |p: &mut FsPromises, a: Dynamic, b: Dynamic, c: Dynamic| {
            with_promise(&p.0, op, &[a, b, c])
        });
    }
}

/// `writeSync(fd, data)`, `(fd, string, position)`, `(fd, buffer, offset, length?, position?)`.
fn write_sync(a: &[Dynamic]) -> Res<i64> {
    let fd = args::fd(&a[0])?;
    let data = args::data(
        &a[1],
        a.get(3).filter(|_| a[1].is_string()).and_then(|e| crate::value::encoding::normalize(&e.to_string())),
    )?;
    let num = |i: usize| a.get(i).and_then(|v| v.as_int().ok());
    let (bytes, position) = if a[1].is_string() {
        (&data[..], num(2))
    } else {
        let off = (num(2).unwrap_or(0).max(0) as usize).min(data.len());
        let len = num(3).map(|l| l.max(0) as usize).unwrap_or(data.len() - off).min(data.len() - off);
        (&data[off..off + len], num(4))
    };
    core::write(fd, bytes, position).map(|n| n as i64).map_err(|e| error::throw(args::fs_error(&e)))
}

/// `readSync(fd, length, position?)`: procbox's form, returning the bytes read (a
/// BLOB, empty at the end); a script's BLOB is a value and cannot be filled in place.
fn read_sync(a: &[Dynamic]) -> Res<Dynamic> {
    let fd = args::fd(&a[0])?;
    if a[1].is_blob() {
        return Err(error::throw(error::coded(
            "TypeError",
            "ERR_INVALID_ARG_TYPE",
            "procbox: a BLOB cannot be filled in place; use fs.readSync(fd, length, position?), which returns the bytes read",
        )));
    }
    let len = args::int(&a[1], "length")?.max(0);
    // Buffer's largest size: beyond it the allocation would abort procbox.
    if len > 1 << 32 {
        let msg = format!("The value of \"length\" is out of range. It must be >= 0 && <= 4294967296. Received {len}");
        return Err(error::throw(error::coded("RangeError", "ERR_OUT_OF_RANGE", &msg)));
    }
    let len = len as usize;
    let position = a.get(2).and_then(|v| v.as_int().ok());
    let mut buf = vec![0u8; len];
    let n = core::read(fd, &mut buf, position).map_err(|e| error::throw(args::fs_error(&e)))?;
    buf.truncate(n);
    Ok(Dynamic::from_blob(buf))
}

fn constants() -> Map {
    let mut m = Map::new();
    let list: &[(&str, i32)] = &[
        ("F_OK", libc::F_OK),
        ("R_OK", libc::R_OK),
        ("W_OK", libc::W_OK),
        ("X_OK", libc::X_OK),
        ("COPYFILE_EXCL", 1),
        ("O_RDONLY", libc::O_RDONLY),
        ("O_WRONLY", libc::O_WRONLY),
        ("O_RDWR", libc::O_RDWR),
        ("O_CREAT", libc::O_CREAT),
        ("O_EXCL", libc::O_EXCL),
        ("O_TRUNC", libc::O_TRUNC),
        ("O_APPEND", libc::O_APPEND),
        ("O_SYNC", libc::O_SYNC),
        ("S_IFMT", libc::S_IFMT as i32),
        ("S_IFREG", libc::S_IFREG as i32),
        ("S_IFDIR", libc::S_IFDIR as i32),
        ("S_IFLNK", libc::S_IFLNK as i32),
    ];
    for (k, v) in list {
        m.insert((*k).into(), (*v as i64).into());
    }
    m
}

/// The request queue now; the functions at the first `require("fs")` or
/// `require("fs/promises")` (`api::deferred`: only those module objects lead to the
/// types whose functions these are).
pub fn register(_: &mut Engine, st: &Rc<State>) {
    st.slots.put_rc(Requests::new(st));
    crate::api::deferred::defer::<FsModule>(st, register_now);
}

fn register_now(engine: &mut Engine, st: &Rc<State>) {
    engine.register_type_with_name::<FsModule>("FsModule");
    engine.register_type_with_name::<FsPromises>("FsPromises");
    stats::register(engine);
    handle::register(engine);
    register_ops(engine);
    engine.register_fn("existsSync", |_: &mut FsModule, p: Dynamic| -> args::Res<bool> {
        guard::check("exists", std::slice::from_ref(&p))?;
        Ok(args::path(&p, "path").is_ok_and(|p| core::exists(&p)))
    });
    engine.register_fn("writeSync", |_: &mut FsModule, a: Dynamic, b: Dynamic| write_sync(&[a, b]));
    engine.register_fn("writeSync", |_: &mut FsModule, a: Dynamic, b: Dynamic, c: Dynamic| write_sync(&[a, b, c]));
    engine.register_fn("writeSync", |_: &mut FsModule, a: Dynamic, b: Dynamic, c: Dynamic, d: Dynamic| {
        write_sync(&[a, b, c, d])
    });
    engine.register_fn("writeSync", |_: &mut FsModule, a: Dynamic, b: Dynamic, c: Dynamic, d: Dynamic, e: Dynamic| {
        write_sync(&[a, b, c, d, e])
    });
    engine.register_fn("readSync", |_: &mut FsModule, a: Dynamic, b: Dynamic| read_sync(&[a, b]));
    engine.register_fn("readSync", |_: &mut FsModule, a: Dynamic, b: Dynamic, c: Dynamic| read_sync(&[a, b, c]));
    engine.register_get("constants", |_: &mut FsModule| constants());
    engine.register_get("promises", |m: &mut FsModule| FsPromises(m.0.clone()));
    engine.register_fn("to_string", |_: &mut FsModule| "[object fs]".to_string());
    engine.register_fn("to_string", |_: &mut FsPromises| "[object fs/promises]".to_string());
    streams::register(engine, st);
}

/// The object `require("fs")` returns.
pub fn module(st: &Rc<State>) -> Dynamic {
    crate::api::deferred::load::<FsModule>(st);
    Dynamic::from(FsModule(requests(st)))
}

/// The object `require("fs/promises")` returns.
pub fn promises_module(st: &Rc<State>) -> Dynamic {
    crate::api::deferred::load::<FsModule>(st);
    Dynamic::from(FsPromises(requests(st)))
}
