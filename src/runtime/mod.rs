//! The runtime joins the script engine and the event loop.
//!
//! The loop reports what is ready; the runtime finds the script callback, calls it,
//! then drains: every nextTick, then every microtask, repeated until both are empty,
//! then the unhandled-rejection check. [`Runtime::run_loop`] lists the phases in
//! libuv's order; [`Runtime::exit`] is the only way out of the process.
//!
//! `libc::SIGPIPE` here is a signal number, used as data; no libc function is called here
//! (system calls are [`crate::sys`]'s).

// Rhai marks the stored-context API volatile ("deprecated"); it is the one way that
// works for closures from modules and imports (DESIGN §4).
#[cfg(test)]
mod borrowed_args_tests;
#[cfg(test)]
mod borrowed_first_tests;
#[cfg(test)]
mod bound_captures_tests;
#[allow(deprecated)]
pub mod callback;
pub mod emitter;
#[cfg(test)]
mod engine_options_tests;
pub mod errors;
#[cfg(test)]
mod flat_reads_tests;
#[cfg(test)]
mod free_names_tests;
#[cfg(test)]
mod global_calls_tests;
#[cfg(test)]
mod global_marks_tests;
pub mod hooks;
mod idle;
mod io_host;
mod loop_api;
pub mod modules;
#[cfg(test)]
mod option_outcome;
mod outcome;
pub mod output;
pub mod promise;
mod run;
pub mod slots;
pub mod stack;
mod state;
pub mod syntax;
pub mod warning;
mod watch;

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet, VecDeque};
use std::rc::Rc;
use std::time::Instant;

use rhai::{AST, Dynamic, DynamicReadLock, Engine, EvalAltResult, Position, Scope, Variant};

/// What a call into script gives back.
pub type RhaiResult = Result<Dynamic, Box<EvalAltResult>>;

/// An argument of a function registered with `Engine::register_js_borrowing_fn`: the
/// value itself, or the value in the cell of a variable a closure shares, locked for
/// reading while the function uses it (it runs no script meanwhile). A cell locked for
/// writing is the data race stock Rhai reports for `fn_name`.
pub fn borrowed_arg<'a, T: Variant + Clone>(
    arg: &'a Dynamic,
    fn_name: &str,
) -> Result<DynamicReadLock<'a, T>, Box<EvalAltResult>> {
    arg.read_lock::<T>().ok_or_else(|| EvalAltResult::ErrorDataRace(fn_name.into(), Position::NONE).into())
}

use crate::event_loop::Loop;
use crate::io::reactor::Reactor;
use crate::sys;
use callback::Callback;
use emitter::Emitter;
use output::Output;
use promise::Queue;
pub use state::State;

/// What the loop keeps for a timer, an immediate or a tick.
#[derive(Clone)]
pub enum Task {
    Call(Callback, Vec<Dynamic>),
    /// Host work that must run in script order (a warning's `warning` event).
    Native(Rc<dyn Fn(&Engine) -> RhaiResult>),
    /// An I/O core event or timer (`io::events::Host`), run once.
    Io(Rc<io_host::Posted>),
}

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
    pub fn new(launch: Launch, bind: fn(&mut Engine, &Rc<State>)) -> sys::errno::SysResult<Runtime> {
        let _ = sys::signal::ignore(libc::SIGPIPE);
        let signal_pipe = sys::signal::pipe()?;
        let lp = Loop::new();
        let reactor = Rc::new(Reactor::new(lp.counts().clone())?.with_spin(crate::io::spin::Spin::from_env()));
        let signal_token = watch::open_signals(&reactor, signal_pipe)?;
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
            signal_token,
            caught: RefCell::new(HashSet::new()),
            signal_hooks: RefCell::new(HashMap::new()),
            at_exit: RefCell::new(Vec::new()),
            exit_flush: Default::default(),
            core_io: Default::default(),
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
        let mut engine = new_engine();
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
}

/// Rhai's `Engine::new()` (whose print, debug and module resolver `configure` replaces),
/// except that the standard package's functions (about 1 100) are looked up by hash
/// when first called instead of registered up front: 190 KiB less heap in every
/// process, and less start-up work (docs/notes/mem.md).
pub fn new_engine() -> Engine {
    use rhai::packages::{Package, StandardPackage};
    let mut engine = Engine::new_raw();
    // Engine::new's string interner (rhai's default_limits::MAX_STRINGS_INTERNED).
    engine.set_max_strings_interned(256);
    engine.register_global_module(StandardPackage::new_lazy().as_shared_module());
    engine
}

/// Engine settings that must not depend on the build profile.
fn configure(engine: &mut Engine, st: &Rc<State>) {
    engine.set_max_call_levels(200);
    // JavaScript's closures (vendor/README.md): `let t = setInterval(|| clearInterval(t))`,
    // handles used inside their own callbacks, `fn`s that see the script's variables.
    engine.set_js_self_capture(true).set_js_shared_handles(true).set_js_fn_globals(true);
    // `process.nextTick(f)` without copying `process` per call (vendor/README.md).
    engine.set_js_global_handles(true).set_js_global_calls(true);
    // `process.nextTick(cb)` reads `cb` where it is, without a copy (vendor/README.md).
    engine.set_js_borrowed_args(true);
    // `setImmediate(f);` as a statement builds no handle (vendor/README.md).
    engine.set_js_result_hints(true);
    // A stored callback's captures stay bound between its calls (vendor/README.md).
    engine.set_js_bound_captures(true);
    // Operands and call arguments read straight out of their variable (vendor/README.md).
    engine.set_js_flat_reads(true);
    // A closure reads `process` & co. live instead of capturing a copy, and a chain on
    // `process` skips the scope search where the parser proved it fails (vendor/README.md).
    engine.set_js_global_free_names(true).set_js_global_marks(true);
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
