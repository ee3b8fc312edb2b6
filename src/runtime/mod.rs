//! The runtime joins the script engine and the event loop.
//!
//! The loop reports what is ready; the runtime finds the script callback, calls it,
//! then drains: every nextTick, then every microtask, repeated until both are empty,
//! then the unhandled-rejection check. [`Runtime::run_loop`] lists the phases in
//! libuv's order; [`Runtime::exit`] is the only way out of the process.

// Rhai marks the stored-context API volatile ("deprecated"); it is the one way that
// works for closures from modules and imports (DESIGN §4).
#[allow(deprecated)]
pub mod callback;
pub mod emitter;
#[cfg(test)]
mod engine_options_tests;
pub mod errors;
pub mod hooks;
mod loop_api;
pub mod modules;
mod outcome;
pub mod output;
pub mod promise;
pub mod slots;
pub mod stack;
pub mod syntax;
pub mod warning;

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet, VecDeque};
use std::os::fd::RawFd;
use std::rc::Rc;
use std::time::Instant;

use rhai::{AST, Dynamic, Engine, EvalAltResult, Scope};

/// What a call into script gives back.
pub type RhaiResult = Result<Dynamic, Box<EvalAltResult>>;

use crate::event_loop::{Counts, Loop, Ready};
use crate::io::reactor::{Interest, Reactor};
use crate::signals;
use callback::Callback;
use emitter::Emitter;
use output::Output;
use promise::Queue;

/// What the loop keeps for a timer, an immediate or a tick.
#[derive(Clone)]
pub enum Task {
    Call(Callback, Vec<Dynamic>),
    /// Host work that must run in script order (a warning's `warning` event).
    Native(Rc<dyn Fn(&Engine) -> RhaiResult>),
}

/// Something watched by the reactor with the runtime as its context: stdin, child
/// pipes, sockets, channels. Every `Source` is an `io::reactor::Source<Runtime>`.
pub trait Source {
    fn on_ready(&self, rt: &Runtime, ready: Ready);
}

impl<T: Source + ?Sized> crate::io::reactor::Source<Runtime> for T {
    fn on_ready(&self, rt: &Runtime, ready: Ready) {
        Source::on_ready(self, rt, ready);
    }
}

/// The signal pipe's read end, open in the reactor for the runtime's life.
struct SignalPipe(std::os::fd::OwnedFd);

impl Source for SignalPipe {
    fn on_ready(&self, rt: &Runtime, _: Ready) {
        use std::os::fd::AsFd;
        rt.deliver_signals(self.0.as_fd());
    }
}

/// Everything the script surface shares with the loop. Script-facing handles hold an
/// `Rc<State>`; each part has its own cell so a callback can run while none is held.
pub struct State {
    /// The loop, private to the runtime: bindings use the narrow methods of
    /// `loop_api.rs`, which never hold its borrow across a call into script.
    lp: RefCell<Loop<Task>>,
    /// The loop's liveness counts, shared so guards come and go without borrowing `lp`.
    live: Rc<Counts>,
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
    reactor: Rc<Reactor<Runtime>>,
    caught: RefCell<HashSet<i32>>,
    /// The runtime's own signal handlers (SIGCHLD: reaping), run once per batch of
    /// deliveries before the script's listeners; the signal stays caught meanwhile.
    signal_hooks: RefCell<HashMap<i32, SignalHook>>,
    /// Writes batched by a macrotask, done once its drain is over (IPC sends).
    pub flush_soon: RefCell<Vec<Rc<dyn Fn()>>>,
    /// Work that must happen before the process ends (unlinking socket files…).
    pub at_exit: RefCell<Vec<Rc<dyn Fn()>>>,
    /// Every writer's queued output, written at exit under one deadline rule.
    pub exit_flush: crate::io::flush::ExitFlush,
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
        let err = Dynamic::from_map(crate::value::error::syscall("write", libc::EPIPE));
        let report = errors::crash_report(self, &err, None);
        self.eprint(&report);
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

    /// The reactor, for handles (`io::handle::Handle::new`).
    pub fn reactor(&self) -> &Rc<Reactor<Runtime>> {
        &self.reactor
    }

    /// Opens `source` in the reactor and watches `fd` for it; returns its token. For
    /// bindings that keep a bare descriptor (until they hold an `io::handle::Handle`).
    pub fn watch<S: Source + 'static>(
        &self,
        fd: RawFd,
        source: Rc<S>,
        readable: bool,
        writable: bool,
    ) -> std::io::Result<u64> {
        let token = self.reactor.open(source);
        if let Err(e) = self.set_interest(fd, token, readable, writable) {
            self.reactor.close_token(token);
            return Err(e);
        }
        Ok(token)
    }

    /// Changes what `fd`, watched under `token`, is watched for.
    pub fn set_interest(&self, fd: RawFd, token: u64, read: bool, write: bool) -> std::io::Result<()> {
        let i = Interest { read, write };
        Ok(crate::sys::raw::with_fd(fd, |fd| self.reactor.set_interest(fd, token, i))?)
    }

    /// Unwatches `fd` and closes `token`'s table entry (the caller closes `fd`).
    pub fn unwatch(&self, fd: RawFd, token: u64) {
        let _ = self.set_interest(fd, token, false, false);
        self.reactor.close_token(token);
    }

    /// Keeps the OS disposition of `signo` in step with the listeners on `process`:
    /// caught while at least one listener exists, default otherwise.
    pub fn sync_signal(&self, signo: i32, listening: bool) {
        let wanted = listening || self.signal_hooks.borrow().contains_key(&signo);
        let mut caught = self.caught.borrow_mut();
        if wanted && caught.insert(signo) {
            let _ = signals::catch(signo);
        } else if !wanted && caught.remove(&signo) {
            let _ = signals::restore(signo);
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

pub struct Runtime {
    pub engine: Engine,
    pub st: Rc<State>,
    pub scope: RefCell<Scope<'static>>,
}

/// How the script was given.
pub struct Launch {
    pub argv: Vec<String>,
    pub exec_argv: Vec<String>,
}

impl Runtime {
    /// `bind` registers the script surface (`api::register`: `main` composes).
    pub fn new(launch: Launch, bind: fn(&mut Engine, &Rc<State>)) -> std::io::Result<Runtime> {
        let _ = signals::ignore(libc::SIGPIPE);
        let signal_pipe = signals::pipe()?;
        let lp = Loop::new()?;
        let reactor = Rc::new(Reactor::new(lp.counts().clone())?);
        {
            use std::os::fd::AsFd;
            let pipe = Rc::new(SignalPipe(signal_pipe));
            let token = reactor.open(pipe.clone());
            reactor.set_interest(pipe.0.as_fd(), token, Interest::READ)?;
        }
        let exec_path = std::env::current_exe().map(|p| p.display().to_string()).unwrap_or_else(|_| "procbox".into());
        let live = lp.counts().clone();
        let st = Rc::new(State {
            lp: RefCell::new(lp),
            live,
            ticks: RefCell::new(VecDeque::new()),
            micro: Queue::default(),
            process: Emitter::default(),
            out: RefCell::new(Output::default()),
            exit_code: Cell::new(None),
            exit_request: Cell::new(None),
            exiting: Cell::new(false),
            sources: RefCell::new(HashMap::new()),
            reactor,
            caught: RefCell::new(HashSet::new()),
            signal_hooks: RefCell::new(HashMap::new()),
            at_exit: RefCell::new(Vec::new()),
            exit_flush: Default::default(),
            flush_soon: RefCell::new(Vec::new()),
            argv: launch.argv,
            exec_argv: launch.exec_argv,
            exec_path,
            started: Instant::now(),
            on_uncaught: RefCell::new(None),
            on_broken_output: RefCell::new(None),
            hooks: Default::default(),
            slots: Default::default(),
        });
        let mut engine = Engine::new();
        configure(&mut engine, &st);
        bind(&mut engine, &st);
        Ok(Runtime { engine, st, scope: RefCell::new(Scope::new()) })
    }

    /// Compiles `text` as `name`; a syntax error is reported and ends the process.
    pub fn compile(&self, name: &str, text: &str) -> AST {
        self.st.sources.borrow_mut().insert(name.to_string(), text.into());
        match self.engine.compile(text) {
            Ok(mut ast) => {
                ast.set_source(name);
                ast
            }
            Err(e) => {
                let report = errors::syntax_report(&self.st, name, &e);
                self.st.eprint(&report);
                self.finish(1)
            }
        }
    }

    /// Runs a script as the main module, then its event loop; never returns.
    pub fn run_main(&self, name: &str, text: &str) -> ! {
        let ast = self.compile(name, text);
        let r = self.engine.run_ast_with_scope(&mut self.scope.borrow_mut(), &ast);
        self.settle(r.map(|_| Dynamic::UNIT), Some(name));
        self.drain();
        self.run_loop()
    }

    /// The event loop: libuv's phases until nothing keeps the process alive, then
    /// `beforeExit` (which may restart it), then `exit`.
    pub fn run_loop(&self) -> ! {
        loop {
            while self.st.lp.borrow().alive() {
                self.run_once();
            }
            self.emit_before_exit();
            if !self.st.lp.borrow().alive() {
                break;
            }
        }
        self.exit_naturally()
    }

    /// One turn of the loop, every phase once, without the liveness check: the REPL
    /// turns the loop itself while its prompt waits.
    pub fn run_once(&self) {
        self.run_timers();
        self.run_poll();
        self.run_check();
        self.run_closing();
    }

    /// The close phase: `close` callbacks of handles closed during this iteration.
    fn run_closing(&self) {
        let batch = self.st.lp.borrow_mut().take_closing();
        for task in batch {
            self.macrotask(&task);
        }
    }

    fn run_timers(&self) {
        let now = self.st.lp.borrow_mut().update_time();
        loop {
            let due = self.st.lp.borrow_mut().timers.pop_due(now);
            let Some(due) = due else { break };
            // An interval re-arms from the time its callback started.
            let start = self.st.lp.borrow_mut().update_time();
            self.macrotask(&due.payload);
            if due.repeat {
                self.st.lp.borrow_mut().timers.rearm(due.id, start);
            }
        }
    }

    fn run_poll(&self) {
        self.st.flush();
        let ready = {
            let timeout = self.st.lp.borrow().poll_timeout();
            // About to block with nothing due (a forked child gives back its code
            // pages: api::ipc's hook, sys::trim); hooks must not touch the loop.
            if timeout < 0 {
                self.st.hooks.before_idle_wait();
            }
            let r = self.st.reactor.wait(timeout);
            self.st.lp.borrow_mut().update_time();
            r
        };
        // The reactor reports EINTR as an empty wait; any other failure would fail
        // again at once, so the loop cannot go on (a retry would spin).
        let ready = ready.unwrap_or_else(|e| {
            self.st.eprint(&format!("procbox: epoll_wait: {e}\n"));
            self.finish(70)
        });
        for r in ready {
            self.st.reactor.dispatch(self, r);
        }
    }

    fn run_check(&self) {
        // A drain cut short by a handled exception resumes here at the latest: Node
        // drains when its native immediates run, before the script's immediates.
        let resume = self.st.lp.borrow_mut().take_resume_drain();
        if resume || !self.st.ticks.borrow().is_empty() || self.st.micro.has_jobs() {
            self.drain();
        }
        let batch = self.st.lp.borrow_mut().immediates.take_batch();
        for entry in batch {
            if self.st.lp.borrow_mut().immediates.begin_run(&entry) {
                self.macrotask(&entry.payload);
            }
        }
    }

    /// Signal listeners run as macrotasks with `(name, number)`.
    fn deliver_signals(&self, pipe: std::os::fd::BorrowedFd<'_>) {
        let pending = signals::read_pending(pipe);
        let mut hooked: Vec<i32> = Vec::new();
        for &signo in &pending {
            if hooked.contains(&signo) {
                continue;
            }
            hooked.push(signo);
            let hook = self.st.signal_hooks.borrow().get(&signo).cloned();
            if let Some(hook) = hook {
                hook(self);
            }
        }
        for signo in pending {
            let Some(name) = signals::name(signo) else { continue };
            let args = vec![Dynamic::from(name), Dynamic::from(signo as i64)];
            let r = self.st.process.emit(&self.engine, name, &args);
            self.settle(r.map(|_| Dynamic::UNIT), None);
            self.drain();
        }
    }

    /// One callback into script from the loop, then the drain.
    pub fn macrotask(&self, task: &Task) {
        self.call_task(task.clone());
        self.drain();
    }

    /// Calls a task's function; false if it threw (and the error was handled).
    fn call_task(&self, task: Task) -> bool {
        match task {
            Task::Call(cb, args) => {
                let r = cb.call(&self.engine, args);
                self.settle(r, cb.source())
            }
            Task::Native(f) => {
                let r = f(&self.engine);
                self.settle(r, None)
            }
        }
    }

    /// Emits an event on an emitter as a macrotask.
    pub fn emit_macrotask(&self, emitter: &Emitter, event: &str, args: &[Dynamic]) {
        let r = emitter.emit(&self.engine, event, args);
        self.settle(r.map(|_| Dynamic::UNIT), None);
        self.drain();
    }
}

/// Engine settings that must not depend on the build profile.
fn configure(engine: &mut Engine, st: &Rc<State>) {
    engine.set_max_call_levels(200);
    // JavaScript's closures (vendor/README.md): `let t = setInterval(|| clearInterval(t))`,
    // handles used inside their own callbacks, `fn`s that see the script's variables.
    engine.set_js_self_capture(true).set_js_shared_handles(true).set_js_fn_globals(true);
    engine.set_max_expr_depths(128, 64);
    syntax::install(engine);
    // JavaScript values (issue 10, points 3, 5, 8): see vendor/README.md.
    engine.set_js_call_fn_vars(true).set_js_division(true).set_js_index_read(true);
    let s = st.clone();
    engine.on_js_catch(move |e, source| errors::value_of(&s, e, source));
    let s = st.clone();
    engine.on_print(move |text| {
        s.print(text);
        s.print("\n");
    });
    let s = st.clone();
    engine.on_debug(move |text, source, pos| {
        let line = match (source, pos.is_none()) {
            (Some(src), false) => format!("{src} @ {pos:?} | {text}\n"),
            (_, false) => format!("{pos:?} | {text}\n"),
            _ => format!("{text}\n"),
        };
        s.print(&line);
    });
    engine.set_module_resolver(modules::Resolver::new(st.clone()));
}
