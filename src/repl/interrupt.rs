//! Ctrl-C while typed code runs: `loop {}` stops and the prompt comes back.
//!
//! While code runs the terminal is in cooked mode, so Ctrl-C is a SIGINT. During an
//! evaluation (and only then: at the prompt Ctrl-C is a key for the line editor) a
//! handler sets a flag; Rhai's progress hook sees it and ends the script with
//! `ErrorTerminated`, which no `catch` can stop. The hook costs about 5% of speed,
//! which is why scripts (not the REPL) never install it.
//!
//! Between a line and the next prompt the terminal is cooked too, so a quick second
//! Ctrl-C would kill the process: the REPL keeps the handler installed whenever no
//! script listener wants SIGINT ([`shield`]); outside an evaluation it does nothing.

use std::sync::atomic::{AtomicBool, Ordering};

use rhai::{Dynamic, Engine, EvalAltResult};

use crate::sys::signal::{self, Saved};

/// SIGINT's number, as data.
const SIGINT: i32 = libc::SIGINT;

static FLAG: AtomicBool = AtomicBool::new(false);
/// An evaluation is running: SIGINT stops it.
static ARMED: AtomicBool = AtomicBool::new(false);

/// The value carried by `ErrorTerminated` when Ctrl-C stopped the code.
const TOKEN: &str = "SIGINT";

extern "C" fn on_sigint(_: i32) {
    if ARMED.load(Ordering::Relaxed) {
        FLAG.store(true, Ordering::Relaxed);
    }
}

/// Installs the handler for SIGINT, returning the disposition it replaces (`None`
/// only if sigaction failed, which it cannot for SIGINT and a valid handler).
fn install() -> Option<Saved> {
    signal::install(SIGINT, on_sigint).ok()
}

/// SIGINT must not kill the REPL: catch it unless someone else does already (a
/// script's `process.on("SIGINT")` listener).
pub fn shield() {
    if signal::is_default(SIGINT) {
        install();
    }
}

/// Makes the engine stop when the flag is set.
pub fn watch(engine: &mut Engine) {
    engine.on_progress(|_| FLAG.load(Ordering::Relaxed).then(|| Dynamic::from(rhai::ImmutableString::from(TOKEN))));
}

/// Ctrl-C interrupts code until this is dropped; the SIGINT disposition in force
/// before (default, or the runtime's for a `process.on("SIGINT")` listener) returns.
pub struct Armed {
    before: Option<Saved>,
}

pub fn arm() -> Armed {
    FLAG.store(false, Ordering::Relaxed);
    ARMED.store(true, Ordering::Relaxed);
    Armed { before: install() }
}

impl Drop for Armed {
    fn drop(&mut self) {
        ARMED.store(false, Ordering::Relaxed);
        FLAG.store(false, Ordering::Relaxed);
        // Code that ran may have added a SIGINT listener: its handler stays.
        if signal::is_handled_by(SIGINT, on_sigint)
            && let Some(before) = &self.before
        {
            let _ = signal::reinstate(before);
        }
        shield();
    }
}

/// True when `e` (or the error it wraps) is the stop caused by Ctrl-C.
pub fn is_interrupt(e: &EvalAltResult) -> bool {
    match e {
        EvalAltResult::ErrorInFunctionCall(_, _, inner, _) | EvalAltResult::ErrorInModule(_, inner, _) => {
            is_interrupt(inner)
        }
        EvalAltResult::ErrorTerminated(v, _) => {
            v.read_lock::<rhai::ImmutableString>().is_some_and(|s| s.as_str() == TOKEN)
        }
        _ => false,
    }
}
