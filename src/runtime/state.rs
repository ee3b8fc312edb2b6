//! The runtime's shared state: what script-facing handles hold (`Rc<State>`), with a
//! cell per part so a callback can run while none is borrowed; output, exit work and
//! signal dispositions. The loop's methods for bindings are in `loop_api.rs`, the
//! reactor's in `watch.rs`.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet, VecDeque};
use std::rc::Rc;
use std::time::Instant;

use rhai::{Dynamic, EvalAltResult};

use super::emitter::Emitter;
use super::output::Output;
use super::promise::Queue;
use super::{Runtime, Task, errors, hooks, slots};
use crate::event_loop::{Counts, Loop};
use crate::io::reactor::Reactor;
use crate::signals;

/// Everything the script surface shares with the loop. Script-facing handles hold an
/// `Rc<State>`; each part has its own cell so a callback can run while none is held.
pub struct State {
    /// The loop, private to the runtime: bindings use the narrow methods of
    /// `loop_api.rs`, which never hold its borrow across a call into script.
    pub(super) lp: RefCell<Loop<Task>>,
    /// The loop's liveness counts, shared so guards come and go without borrowing `lp`.
    pub(super) live: Rc<Counts>,
    pub ticks: RefCell<VecDeque<Task>>,
    pub micro: Queue,
    pub process: Emitter,
    pub out: RefCell<Output>,
    /// `process.exitCode` (`None` is undefined).
    pub exit_code: Cell<Option<i32>>,
    /// Set by `process.exit(n)` just before it terminates the running script.
    pub exit_request: Cell<Option<i32>>,
    pub exiting: Cell<bool>,
    pub sources: RefCell<HashMap<String, Rc<str>>>,
    /// epoll and the table of open handles (`io::reactor`).
    pub(super) reactor: Rc<Reactor<Runtime>>,
    /// The signal pipe's token in the reactor: dispatched last in a batch (`run_poll`).
    pub(super) signal_token: u64,
    pub(super) caught: RefCell<HashSet<i32>>,
    /// The runtime's own signal handlers (SIGCHLD: reaping), run once per batch of
    /// deliveries before the script's listeners; the signal stays caught meanwhile.
    pub(super) signal_hooks: RefCell<HashMap<i32, SignalHook>>,
    /// Writes batched by a macrotask, done once its drain is over (IPC sends).
    pub flush_soon: RefCell<Vec<Rc<dyn Fn()>>>,
    /// Work that must happen before the process ends (unlinking socket files…).
    pub at_exit: RefCell<Vec<Rc<dyn Fn()>>>,
    /// Every writer's queued output, written at exit under one deadline rule.
    pub exit_flush: crate::io::flush::ExitFlush,
    /// The I/O core's context (reactor and host), made on first use.
    pub(super) core_io: std::cell::OnceCell<crate::io::Io<Runtime>>,
    pub argv: Vec<String>,
    pub exec_argv: Vec<String>,
    pub exec_path: String,
    pub started: Instant,
    /// Set by the REPL: an uncaught error is shown by this hook and the session goes
    /// on, instead of ending the process.
    pub on_uncaught: RefCell<Option<UncaughtHook>>,
    /// Called with 1 or 2 when that stream's reader went away; `true` if a script
    /// listener will get the `error` (set by `api::stdio`).
    pub on_broken_output: RefCell<Option<BrokenOutputHook>>,
    /// What the bindings hook into the runtime and each other; per-area state by type.
    pub hooks: hooks::Hooks,
    pub slots: slots::Slots,
}

/// Told which stream (1 or 2) broke; `true` when a listener takes the `error`.
pub type BrokenOutputHook = Rc<dyn Fn(i32) -> bool>;

/// Shows an uncaught error (the value, and the Rhai error with its source if any).
pub type UncaughtHook = Rc<dyn Fn(&Runtime, &Dynamic, Option<(&EvalAltResult, Option<&str>)>)>;

impl State {
    /// Writes to the ordered stdout stream.
    pub fn print(&self, s: &str) {
        let _ = self.out.borrow_mut().stdout(s.as_bytes());
        self.after_output();
    }

    pub fn eprint(&self, s: &str) {
        let _ = self.out.borrow_mut().stderr(s.as_bytes());
        self.after_output();
    }

    /// After a write: a stream whose reader went away is an `error` on it (see
    /// `api::stdio`), or, with no listener, the end of the process (Node's unhandled
    /// `error` event: the report, status 1). Ending here, inside the write, is what
    /// stops a busy loop that only prints.
    pub fn after_output(&self) {
        let Some(fd) = self.out.borrow_mut().take_broken() else { return };
        let hook = self.on_broken_output.borrow().clone();
        if let Some(emit) = hook
            && emit(fd)
        {
            return;
        }
        let err = Dynamic::from_map(crate::value::error::syscall("write", crate::sys::errno::Errno::EPIPE));
        let report = errors::crash_report(self, &err, None);
        // Not `eprint`: on a broken stderr that would fail and come back here.
        let _ = self.out.borrow_mut().stderr(report.as_bytes());
        self.flush();
        self.exit_work();
        std::process::exit(1)
    }

    /// The last work before the process ends: the `at_exit` hooks, then the exit
    /// flush of every writer's queued output (its warnings go to stderr).
    pub fn exit_work(&self) {
        for hook in std::mem::take(&mut *self.at_exit.borrow_mut()) {
            hook();
        }
        let rule = crate::io::deadline::Rule::parse(crate::sys::environ::get(crate::io::deadline::ENV).as_deref());
        let rule = rule.unwrap_or_else(|e| {
            let _ = std::io::Write::write_all(&mut std::io::stderr(), format!("procbox: warning: {e}\n").as_bytes());
            Default::default()
        });
        self.exit_flush.run(rule, &mut |line| {
            let _ = std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes());
        });
    }

    pub fn flush(&self) {
        let _ = self.out.borrow_mut().flush();
    }

    pub fn next_tick(&self, task: Task) {
        self.ticks.borrow_mut().push_back(task);
    }

    /// The I/O core's context: what a stream or listener is built with.
    pub fn io(self: &Rc<Self>) -> crate::io::Io<Runtime> {
        self.core_io.get_or_init(|| super::io_host::make(self)).clone()
    }

    /// Keeps the OS disposition of `signo` in step with the listeners on `process`:
    /// caught while at least one listener exists, default otherwise.
    pub fn sync_signal(&self, signo: i32, listening: bool) {
        let wanted = listening || self.signal_hooks.borrow().contains_key(&signo);
        let mut caught = self.caught.borrow_mut();
        if wanted && caught.insert(signo) {
            let _ = crate::sys::signal::catch(signo);
        } else if !wanted && caught.remove(&signo) {
            let _ = crate::sys::signal::restore(signo);
        }
    }

    /// Installs (`Some`) or removes (`None`) the runtime's own handler for `signo`;
    /// the signal is caught while a hook or a script listener exists.
    pub fn hook_signal(&self, signo: i32, hook: Option<SignalHook>) {
        match hook {
            Some(h) => self.signal_hooks.borrow_mut().insert(signo, h),
            None => self.signal_hooks.borrow_mut().remove(&signo),
        };
        let listening = signals::name(signo).is_some_and(|n| self.process.has(n));
        self.sync_signal(signo, listening);
    }
}

/// An internal signal handler (see [`State::hook_signal`]).
pub type SignalHook = Rc<dyn Fn(&Runtime)>;
