//! The `ChildProcess` object: its state, its events and `kill`/`ref`/`unref`.
//!
//! ```rhai
//! let c = spawn("sh", ["-c", "echo hi; exit 3"]);
//! c.on("spawn", || print(`pid ${c.pid}`));
//! c.on("exit", |code, signal| print(`exit ${code} ${signal}`));
//! c.on("close", |code| print(`close ${code}`));
//! ```
//!
//! Events follow Node: `spawn` on the next tick; `exit(code, signal)` when the child
//! is reaped; `close(code, signal)` once it exited and every stdio stream it writes
//! closed; a spawn failure gives `error` on the next tick, then `close(-errno)`.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use rhai::{Dynamic, Engine, EvalAltResult, Map};

use super::contain::Guard;
use super::exec::ExecJob;
use super::readable::Readable;
use super::writable::Writable;
use crate::api::events::EventTarget;
use crate::child::Status;
use crate::event_loop::TimerId;
use crate::event_loop::timers::clamp_delay;
use crate::runtime::emitter::Emitter;
use crate::runtime::{RhaiResult, Runtime, State, Task};
use crate::signals;
use crate::sys::errno::Errno;
use crate::value::error;

/// One stdio slot as the script sees it.
#[derive(Clone)]
pub enum Stream {
    In(Writable),
    Out(Readable),
}

pub struct ChildInner {
    pub st: Rc<State>,
    pub emitter: Emitter,
    pub pid: Option<i32>,
    pub exit_code: Cell<Option<i32>>,
    pub signal_code: Cell<Option<i32>>,
    pub killed: Cell<bool>,
    pub spawnfile: String,
    pub spawnargs: Vec<String>,
    pub stdio: Vec<Option<Stream>>,
    /// Not reaped yet.
    running: Cell<bool>,
    /// Holds the loop while active and ref'd.
    hold: Cell<Option<crate::event_loop::Hold>>,
    closes_needed: Cell<usize>,
    closes_got: Cell<usize>,
    timer: Cell<Option<TimerId>>,
    pub exec: RefCell<Option<Rc<ExecJob>>>,
    /// The fork channel, when the child has one.
    pub ipc: RefCell<Option<crate::api::ipc::Endpoint>>,
    /// Containment: pidfd, group, escalation, `limitHit`.
    pub guard: Rc<Guard>,
}

#[derive(Clone)]
pub struct ChildProcess(pub Rc<ChildInner>);

/// The error of a failed spawn, as Node shapes it.
pub fn spawn_error(syscall_prefix: &str, file: &str, args: &[String], errno: Errno) -> Map {
    let mut e = error::syscall(&format!("{syscall_prefix} {file}"), errno);
    e.insert("path".into(), file.into());
    e.insert("spawnargs".into(), args.iter().skip(1).map(|a| Dynamic::from(a.clone())).collect::<rhai::Array>().into());
    e
}

fn opt_int(v: Option<i32>) -> Dynamic {
    v.map(|c| Dynamic::from(c as i64)).unwrap_or(Dynamic::UNIT)
}

pub fn signal_name(v: Option<i32>) -> Dynamic {
    v.and_then(signals::name).map(Dynamic::from).unwrap_or(Dynamic::UNIT)
}

impl ChildProcess {
    /// A started child (`pid`) or one that failed (`None`); its stdio streams.
    pub fn new(
        st: &Rc<State>,
        pid: Option<i32>,
        file: String,
        args: Vec<String>,
        stdio: Vec<Option<Stream>>,
        guard: Rc<Guard>,
    ) -> ChildProcess {
        let readers = stdio.iter().skip(1).filter(|s| matches!(s, Some(Stream::Out(_)))).count();
        let child = ChildProcess(Rc::new(ChildInner {
            st: st.clone(),
            emitter: Emitter::default(),
            pid,
            exit_code: Cell::new(None),
            signal_code: Cell::new(None),
            killed: Cell::new(false),
            spawnfile: file,
            spawnargs: args,
            stdio,
            running: Cell::new(pid.is_some()),
            hold: Cell::new(pid.map(|_| st.hold())),
            closes_needed: Cell::new(1 + if pid.is_some() { readers } else { 0 }),
            closes_got: Cell::new(0),
            timer: Cell::new(None),
            exec: RefCell::new(None),
            ipc: RefCell::new(None),
            guard,
        }));
        if pid.is_some() {
            for s in child.0.stdio.iter().flatten() {
                if let Stream::Out(r) = s {
                    // A strong reference: an open stream keeps its child object alive
                    // (as a handle does in Node) until the hook is taken at close.
                    let c = child.0.clone();
                    r.set_close_hook(Rc::new(move |engine: &Engine| c.maybe_close(engine).map(drop)));
                    r.start();
                }
            }
        }
        child
    }

    /// Opens the fork channel over the parent's end; `close` then also waits for it.
    pub fn attach_channel(&self, fd: std::os::fd::OwnedFd) {
        let Some(ep) = crate::api::ipc::Endpoint::open(&self.0.st, fd, self.0.emitter.clone(), true) else { return };
        if let Some(pid) = self.0.pid {
            ep.set_peer(&format!("the IPC channel to child {pid}"));
        }
        self.0.closes_needed.set(self.0.closes_needed.get() + 1);
        let (me, st) = (self.0.clone(), self.0.st.clone());
        ep.on_closed(Box::new(move || {
            let me = me.clone();
            st.next_tick(Task::Native(Rc::new(move |engine: &Engine| me.maybe_close(engine))));
        }));
        *self.0.ipc.borrow_mut() = Some(ep);
    }

    pub fn channel(&self) -> Option<crate::api::ipc::Endpoint> {
        self.0.ipc.borrow().clone()
    }

    pub fn weak(&self) -> Weak<ChildInner> {
        Rc::downgrade(&self.0)
    }

    pub fn stream(&self, i: usize) -> Option<Stream> {
        self.0.stdio.get(i).cloned().flatten()
    }

    pub fn readable(&self, i: usize) -> Option<Readable> {
        match self.stream(i) {
            Some(Stream::Out(r)) => Some(r),
            _ => None,
        }
    }

    pub fn stdin(&self) -> Option<Writable> {
        match self.stream(0) {
            Some(Stream::In(w)) => Some(w),
            _ => None,
        }
    }

    /// `spawn` on the next tick.
    pub fn announce(&self) {
        let me = self.0.clone();
        self.0.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| {
            me.emitter.emit(engine, "spawn", &[]).map(|_| Dynamic::UNIT)
        })));
    }

    /// Node's spawn `timeout`: a ref'd timer that sends `kill_signal`.
    pub fn arm_timeout(&self, ms: u64, kill_signal: i32) {
        let weak = self.weak();
        let task = Task::Native(Rc::new(move |engine: &Engine| {
            let Some(c) = weak.upgrade() else { return Ok(Dynamic::UNIT) };
            c.timer.set(None);
            ChildProcess(c).kill(engine, kill_signal).map(|_| Dynamic::UNIT)
        }));
        self.0.timer.set(Some(self.0.st.timer_start(clamp_delay(ms as f64), false, task)));
    }

    /// A failed spawn: `error` on the next tick, then `close(-errno, null)`.
    pub fn fail_async(&self, errno: Errno) {
        self.0.exit_code.set(Some(-(errno as i32)));
        let me = self.0.clone();
        self.0.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| {
            let err = spawn_error("spawn", &me.spawnfile, &me.spawnargs, errno);
            me.emit_error(engine, err)?;
            me.maybe_close(engine)
        })));
    }

    /// Node's `kill()`: true when kill(2) succeeded (and `killed` is then true), false
    /// once the child was reaped or is gone; EPERM is an `error` event.
    pub fn kill(&self, engine: &Engine, signo: i32) -> Result<bool, Box<EvalAltResult>> {
        let c = &self.0;
        let Some(pid) = c.pid.filter(|_| c.running.get()) else { return Ok(false) };
        c.st.flush();
        match c.guard.signal(pid, signo) {
            Ok(()) => {
                c.killed.set(true);
                c.guard.arm_force_kill(&c.st, signo);
                return Ok(true);
            }
            Err(Errno::ESRCH) => {}
            Err(e @ (Errno::EINVAL | Errno::ENOSYS)) => return Err(error::throw(error::syscall("kill", e))),
            Err(e) => c.emit_error(engine, error::syscall("kill", e))?,
        }
        Ok(false)
    }

    pub fn set_ref(&self, on: bool) {
        let c = &self.0;
        if c.running.get() {
            c.st.set_hold(&c.hold, on);
        }
    }
}

impl ChildInner {
    pub fn code_value(&self) -> Dynamic {
        opt_int(self.exit_code.get())
    }

    pub fn signal_value(&self) -> Dynamic {
        signal_name(self.signal_code.get())
    }

    fn clear_timer(&self) {
        if let Some(id) = self.timer.take() {
            self.st.timer_clear(id);
        }
    }

    /// Reaped (from the SIGCHLD hook): stdin is destroyed, `exit` is emitted, the
    /// untouched output streams are resumed on the next tick so they can end, and
    /// `close` follows if every stream already closed.
    pub fn exited(self: &Rc<Self>, rt: &Runtime, status: Status, cpu_ms: u64) {
        self.guard.reaped(&self.st, status.signal(), cpu_ms);
        self.exit_code.set(status.code());
        self.signal_code.set(status.signal());
        self.running.set(false);
        self.hold.set(None);
        self.clear_timer();
        if let Some(w) = ChildProcess(self.clone()).stdin() {
            w.destroy();
        }
        let r = (|| {
            self.emitter.emit(&rt.engine, "exit", &[self.code_value(), self.signal_value()])?;
            let me = self.clone();
            self.st.next_tick(Task::Native(Rc::new(move |_: &Engine| {
                for s in me.stdio.iter().flatten() {
                    if let Stream::Out(r) = s
                        && r.readable()
                    {
                        r.resume();
                    }
                }
                Ok(Dynamic::UNIT)
            })));
            self.maybe_close(&rt.engine)
        })();
        let ok = rt.settle(r, None);
        rt.after_callback(ok);
    }

    /// Counts one of the closes `close` waits for (the exit and each output stream).
    pub fn maybe_close(&self, engine: &Engine) -> RhaiResult {
        let got = self.closes_got.get() + 1;
        self.closes_got.set(got);
        if got != self.closes_needed.get() {
            return Ok(Dynamic::UNIT);
        }
        let job = self.exec.borrow().clone();
        if let Some(job) = job {
            job.finish(engine, self)?;
        }
        self.emitter.emit(engine, "close", &[self.code_value(), self.signal_value()]).map(|_| Dynamic::UNIT)
    }

    /// `error`: exec's handler first; without any listener it is an uncaught error.
    pub fn emit_error(&self, engine: &Engine, err: Map) -> Result<(), Box<EvalAltResult>> {
        let job = self.exec.borrow().clone();
        if let Some(job) = job {
            job.errored(engine, self, err.clone())?;
            if !self.emitter.has("error") {
                return Ok(());
            }
        }
        self.emitter.emit(engine, "error", &[err.into()]).map(drop)
    }
}

impl EventTarget for ChildProcess {
    fn emitter(&self) -> &Emitter {
        &self.0.emitter
    }

    /// A late `message` listener gets what waited for it (as Node does).
    fn listeners_changed(&self, event: &str) {
        if event == "message"
            && let Some(ep) = self.channel()
        {
            ep.flush_backlog();
        }
    }
}
