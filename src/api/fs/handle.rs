//! `FileHandle`, what `fs.promises.open()` resolves with: the descriptor (`fd`) and
//! promise methods on it, each one of the plans the other forms use, run on a worker.
//!
//! ```rhai
//! let fsp = require("fs/promises");
//! fsp.open("/tmp/x.txt", "a")
//!     .then(|h| h.appendFile("line\n").then(|v| h.close()));
//! ```

use std::cell::Cell;
use std::rc::Rc;

use rhai::{Dynamic, Engine};

use super::plan::{Out, Plan, make};
use super::queue::Requests;
use crate::runtime::promise::Promise;
use crate::value::error;

#[derive(Clone)]
pub struct FileHandle(Rc<(Rc<Requests>, Cell<i32>)>);

impl FileHandle {
    /// Makes the `open` plan's result a handle instead of a number.
    pub fn wrap_open(r: &Rc<Requests>, plan: Plan) -> Plan {
        let r = r.clone();
        let shape = plan.shape;
        Plan {
            job: plan.job,
            shape: Box::new(move |out| match out {
                Out::Int(fd) => Dynamic::from(FileHandle(Rc::new((r.clone(), Cell::new(fd as i32))))),
                other => shape(other),
            }),
        }
    }

    /// `op` on this descriptor, with `rest` after it; closed handles reject (EBADF).
    fn run(&self, op: &str, rest: &[Dynamic]) -> Promise {
        let r = &self.0.0;
        let fd = self.0.1.get();
        let args: Vec<Dynamic> = std::iter::once(Dynamic::from(fd as i64)).chain(rest.iter().cloned()).collect();
        let plan = if fd < 0 {
            Err(error::throw(super::args::fs_error(&crate::sys::fs::FsError::new(
                crate::sys::errno::Errno::EBADF,
                "close",
                None,
            ))))
        } else {
            make(op, &args)
        };
        match plan {
            Ok(plan) => r.with_promise(plan),
            Err(e) => {
                let p = Promise::pending();
                p.reject(&r.state().micro, error::to_value(&e));
                p
            }
        }
    }
}

pub fn register(engine: &mut Engine) {
    engine.register_type_with_name::<FileHandle>("FileHandle");
    engine.register_get("fd", |h: &mut FileHandle| h.0.1.get() as i64);
    engine.register_fn("close", |h: &mut FileHandle| {
        let p = h.run("close", &[]);
        h.0.1.set(-1);
        p
    });
    engine.register_fn("stat", |h: &mut FileHandle| h.run("fstat", &[]));
    engine.register_fn("readFile", |h: &mut FileHandle| h.run("readFile", &[]));
    engine.register_fn("readFile", |h: &mut FileHandle, o: Dynamic| h.run("readFile", &[o]));
    for op in ["writeFile", "appendFile"] {
        engine.register_fn(op, move |h: &mut FileHandle, data: Dynamic| h.run(op, &[data]));
        engine.register_fn(op, move |h: &mut FileHandle, data: Dynamic, o: Dynamic| h.run(op, &[data, o]));
    }
    engine.register_fn("to_string", |h: &mut FileHandle| format!("FileHandle {{ fd: {} }}", h.0.1.get()));
}
