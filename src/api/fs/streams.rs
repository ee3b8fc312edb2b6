//! `fs.createReadStream(path, options?)` and `fs.createWriteStream(path, options?)`:
//! the same `Readable`/`Writable` streams a child's stdio uses, over a file
//! descriptor, so `data`/`end`, `write`/`end`/`finish`, `close` and `pipe()` between
//! files and children all come from one implementation.
//!
//! ```rhai
//! let out = fs.createWriteStream("/tmp/log.txt", #{flags: "a"});
//! out.write("line\n");
//! out.end(|| print("finished"));
//! fs.createReadStream("/tmp/log.txt").pipe(spawn("cat").stdin);
//! ```

use std::os::fd::AsFd;
use std::rc::Rc;

use rhai::{Dynamic, Engine, Map};

use super::FsModule;
use super::args::{self, Res};
use crate::api::child_process::{Readable, Writable};
use crate::api::events::EventTarget;
use crate::runtime::emitter::Emitter;
use crate::runtime::{State, Task};
use crate::sys::fs as core;

/// `open` then `ready` on the next tick with the descriptor (Node opens asynchronously
/// and emits both before any data); a failed open gives `error` instead.
fn announce(st: &Rc<State>, emitter: Emitter, opened: Result<i32, Map>) {
    st.next_tick(Task::Native(Rc::new(move |engine| {
        match &opened {
            Ok(fd) => {
                emitter.emit(engine, "open", &[Dynamic::from(*fd as i64)])?;
                emitter.emit(engine, "ready", &[])?;
            }
            Err(e) => {
                emitter.emit(engine, "error", &[e.clone().into()])?;
            }
        }
        Ok(Dynamic::UNIT)
    })));
}

fn open(path: &Dynamic, opts: &Map, default_flags: &str) -> Res<(Result<i32, Map>, String)> {
    let p = args::path(path, "path")?;
    let flags = args::flags(opts.get("flags"), default_flags)?;
    let mode = args::mode(opts.get("mode"), 0o666)?;
    if let Some(fd) = opts.get("fd").filter(|v| !v.is_unit()) {
        return Ok((Ok(args::fd(fd)?), p));
    }
    super::guard::check_open(&p, flags)?;
    Ok((core::open(&p, flags, mode).map_err(|e| args::fs_error(&e)), p))
}

fn create_read(st: &Rc<State>, path: &Dynamic, opts: &Dynamic) -> Res<Readable> {
    let opts = args::options(Some(opts))?;
    let enc = args::encoding_of(&opts)?;
    let (opened, _) = open(path, &opts, "r")?;
    let start = opts.get("start").and_then(|v| v.as_int().ok());
    let r = match &opened {
        Ok(fd) => {
            let fd = core::own(*fd);
            if let Some(start) = start {
                let _ = core::seek(fd.as_fd(), start); // as before: a failed seek reads from where it is
            }
            Readable::new(st, Some(fd))
        }
        Err(_) => Readable::new(st, None),
    };
    if let Some(enc) = enc {
        r.set_encoding(enc);
    }
    announce(st, r.emitter().clone(), opened);
    Ok(r)
}

fn create_write(st: &Rc<State>, path: &Dynamic, opts: &Dynamic) -> Res<Writable> {
    let opts = args::options(Some(opts))?;
    args::encoding_of(&opts)?;
    let (opened, _) = open(path, &opts, "w")?;
    let w = match &opened {
        Ok(fd) => Writable::new(st, Some(core::own(*fd))),
        Err(_) => Writable::new(st, None),
    };
    w.set_file();
    announce(st, w.emitter().clone(), opened);
    Ok(w)
}

pub fn register(engine: &mut Engine, st: &Rc<State>) {
    let s = st.clone();
    engine.register_fn("createReadStream", move |_: &mut FsModule, p: Dynamic| create_read(&s, &p, &Dynamic::UNIT));
    let s = st.clone();
    engine.register_fn("createReadStream", move |_: &mut FsModule, p: Dynamic, o: Dynamic| create_read(&s, &p, &o));
    let s = st.clone();
    engine.register_fn("createWriteStream", move |_: &mut FsModule, p: Dynamic| create_write(&s, &p, &Dynamic::UNIT));
    let s = st.clone();
    engine.register_fn("createWriteStream", move |_: &mut FsModule, p: Dynamic, o: Dynamic| create_write(&s, &p, &o));
}
