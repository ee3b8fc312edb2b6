//! What the tests of a rhai option compare (`*_tests.rs` next to this file): a
//! script's value as text (or its error) and the operations Rhai counted, with the
//! option on and with it off.

use std::cell::Cell;
use std::rc::Rc;

use rhai::{Dynamic, Engine};

/// The script's value as text (or its error), and the operations counted.
pub fn outcome(mut e: Engine, script: &str) -> (String, u64) {
    let ops = Rc::new(Cell::new(0));
    let o = ops.clone();
    e.on_progress(move |n| {
        o.set(n);
        None
    });
    let value = value(&e, script);
    (value, ops.get())
}

/// The script's value as text, or its error.
pub fn value(e: &Engine, script: &str) -> String {
    match e.eval::<Dynamic>(script) {
        Ok(v) => format!("{v:?}"),
        Err(err) => format!("error: {err}"),
    }
}

/// Runs `script` on `engine(true)` and `engine(false)`, asserts both give the same
/// value and operation count, and returns the value.
pub fn same_on_and_off(engine: impl Fn(bool) -> Engine, script: &str) -> String {
    let on = outcome(engine(true), script);
    assert_eq!(on, outcome(engine(false), script), "{script}");
    on.0
}
