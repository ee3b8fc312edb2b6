//! `exec` and `execFile`: run a command, collect its output, call back
//! `(err, stdout, stderr)` once it closed.
//!
//! ```rhai
//! exec("echo out; echo err >&2; exit 2", |err, stdout, stderr| {
//!     print(`${err.code} ${err.cmd} ${stdout} ${stderr}`);
//! });
//! let cp = require("child_process");
//! cp.execFile("ls", ["-l", "/"], #{maxBuffer: 4096, timeout: 1000}, |err, out| print(out));
//! ```
//!
//! The output is captured natively (no script callback per chunk), up to
//! `maxBuffer` per stream; going over kills the child and fails with
//! `ERR_CHILD_PROCESS_STDIO_MAXBUFFER` and the output so far. A timeout destroys the
//! output pipes and kills the child with `killSignal`, so the callback comes when the
//! child dies even if a grandchild still holds the pipes (Node does the same).

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use rhai::{Dynamic, Engine, EvalAltResult, Map};

use super::child::{ChildInner, ChildProcess, signal_name};
use super::readable::Sink;
use crate::child::capture::Capture;
use crate::event_loop::TimerId;
use crate::event_loop::timers::clamp_delay;
use crate::runtime::Task;
use crate::runtime::callback::Callback;
use crate::value::{encoding, error};

pub struct ExecJob {
    cb: Option<Callback>,
    /// The command as error messages show it.
    cmd: String,
    encoding: Option<&'static str>,
    out: [RefCell<Capture>; 2],
    ex: RefCell<Option<Map>>,
    exited: Cell<bool>,
    killed: Cell<bool>,
    kill_signal: i32,
    timer: Cell<Option<TimerId>>,
    child: RefCell<Weak<ChildInner>>,
}

/// Node's result text: decoded with the encoding, or a BLOB.
pub fn output_value(bytes: Vec<u8>, enc: Option<&'static str>) -> Dynamic {
    match enc {
        Some(enc) => Dynamic::from(encoding::decode(&bytes, enc)),
        None => Dynamic::from_blob(bytes),
    }
}

impl ExecJob {
    /// Attaches a job to a freshly spawned `child`: capture sinks on its output and
    /// the timeout.
    pub fn attach(
        child: &ChildProcess,
        cb: Option<Callback>,
        cmd: String,
        spec: &super::options::Spawn,
    ) -> Rc<ExecJob> {
        let job = Rc::new(ExecJob {
            cb,
            cmd,
            encoding: spec.encoding,
            out: [RefCell::new(Capture::new(spec.max_buffer)), RefCell::new(Capture::new(spec.max_buffer))],
            ex: RefCell::new(None),
            exited: Cell::new(false),
            killed: Cell::new(false),
            kill_signal: spec.kill_signal,
            timer: Cell::new(None),
            child: RefCell::new(child.weak()),
        });
        *child.0.exec.borrow_mut() = Some(job.clone());
        for (k, (i, name)) in [(1, "stdout"), (2, "stderr")].into_iter().enumerate() {
            let Some(r) = child.readable(i) else { continue };
            if let Some(enc) = spec.encoding {
                r.set_encoding(enc);
            }
            let weak = Rc::downgrade(&job);
            r.add_sink(Sink {
                data: Box::new(move |_, bytes| {
                    let Some(job) = weak.upgrade() else { return };
                    let fits = job.out[k].borrow_mut().push(bytes);
                    if !fits && job.ex.borrow().is_none() {
                        let m = format!("{name} maxBuffer length exceeded");
                        *job.ex.borrow_mut() =
                            Some(error::coded("RangeError", "ERR_CHILD_PROCESS_STDIO_MAXBUFFER", &m));
                        job.kill();
                    }
                }),
                end: None,
            });
            r.resume();
        }
        if let (Some(ms), true) = (spec.timeout, child.0.pid.is_some()) {
            let weak = Rc::downgrade(&job);
            let task = Task::Native(Rc::new(move |_: &Engine| {
                if let Some(job) = weak.upgrade() {
                    job.timer.set(None);
                    job.kill();
                }
                Ok(Dynamic::UNIT)
            }));
            job.timer.set(Some(child.0.st.timer_start(clamp_delay(ms as f64), false, task)));
        }
        job
    }

    /// Node's `kill()` inside execFile: destroy the output streams, then signal.
    fn kill(&self) {
        let Some(child) = self.child.borrow().upgrade() else { return };
        let child = ChildProcess(child);
        for i in [1, 2] {
            if let Some(r) = child.readable(i) {
                r.destroy();
            }
        }
        self.killed.set(true);
        let Some(pid) = child.0.pid else { return };
        // Errors (EPERM) surface as the callback's error at close.
        if child.0.exit_code.get().is_none() && child.0.signal_code.get().is_none() {
            child.0.st.flush();
            // Through the guard: the group with killTree, a pidfd otherwise.
            match child.0.guard.signal(pid, self.kill_signal) {
                Ok(()) => {
                    child.0.killed.set(true);
                    child.0.guard.arm_force_kill(&child.0.st, self.kill_signal);
                }
                Err(e) => {
                    let mut ex = self.ex.borrow_mut();
                    if ex.is_none() {
                        *ex = Some(error::syscall("kill", e));
                    }
                }
            }
        }
    }

    /// The child's `error` (a failed spawn): the callback gets it.
    pub fn errored(&self, engine: &Engine, child: &ChildInner, err: Map) -> Result<(), Box<EvalAltResult>> {
        *self.ex.borrow_mut() = Some(err);
        for s in child.stdio.iter().skip(1).flatten() {
            if let super::child::Stream::Out(r) = s {
                r.destroy();
            }
        }
        self.finish(engine, child)
    }

    /// Node's `exithandler`, at the child's `close` (before the script's `close`
    /// listeners) or after a spawn error: the callback, once.
    pub fn finish(&self, engine: &Engine, child: &ChildInner) -> Result<(), Box<EvalAltResult>> {
        if self.exited.replace(true) {
            return Ok(());
        }
        if let Some(id) = self.timer.take() {
            child.st.timer_clear(id);
        }
        let Some(cb) = &self.cb else { return Ok(()) };
        let out = self.out[0].borrow_mut().take();
        let err_bytes = self.out[1].borrow_mut().take();
        let (code, signal) = (child.exit_code.get(), child.signal_code.get());
        let ex = self.ex.borrow_mut().take();
        if ex.is_none() && code == Some(0) && signal.is_none() {
            return cb
                .call(
                    engine,
                    vec![Dynamic::UNIT, output_value(out, self.encoding), output_value(err_bytes, self.encoding)],
                )
                .map(drop);
        }
        let mut e = ex.unwrap_or_else(|| {
            let message = format!("Command failed: {}\n{}", self.cmd, String::from_utf8_lossy(&err_bytes));
            let mut e = error::error("Error", &message, None);
            let code = match code {
                Some(c) if c < 0 => Dynamic::from(error::errno_name(crate::sys::errno::Errno::from_raw(-c))),
                Some(c) => Dynamic::from(c as i64),
                None => Dynamic::UNIT,
            };
            e.insert("code".into(), code);
            e.insert("killed".into(), (child.killed.get() || self.killed.get()).into());
            e.insert("signal".into(), signal_name(signal));
            if let Some(limit) = child.guard.limit_hit.get() {
                e.insert("limitHit".into(), limit.into());
            }
            e
        });
        e.insert("cmd".into(), self.cmd.clone().into());
        cb.call(engine, vec![e.into(), output_value(out, self.encoding), output_value(err_bytes, self.encoding)])
            .map(drop)
    }
}
