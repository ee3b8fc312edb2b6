//! Unit tests of the vendored rhai's `js_global_calls` option (vendor/README.md): a
//! method call made directly on a global-module handle skips the chain walk. With
//! `js_global_handles` on, every script runs with the option on and off and must give
//! the same value (or error) and count the same operations.

use std::cell::Cell;
use std::rc::Rc;

use rhai::{Dynamic, Engine, FnPtr, INT, NativeCallContext};

/// A handle-like global: `add` reads it, `run` calls back into script meanwhile.
#[derive(Debug, Clone)]
struct Handle {
    n: INT,
}

fn engine(on: bool) -> Engine {
    let mut e = Engine::new();
    e.set_js_global_handles(true).set_js_global_calls(on);
    e.register_type_with_name::<Handle>("Handle");
    e.register_fn("add", |h: &mut Handle, x: INT| h.n + x);
    e.register_fn("add", |h: &mut Handle, x: INT, y: INT| h.n + x * y);
    e.register_get("n", |h: &mut Handle| h.n);
    e.register_fn("run", |ctx: NativeCallContext, _: &mut Handle, f: FnPtr| -> Result<INT, _> {
        f.call_within_context(&ctx, ())
    });
    let mut m = rhai::Module::new();
    m.set_var("h", Handle { n: 40 });
    e.register_global_module(m.into());
    e
}

/// The script's value as text (or its error), and the operations counted.
fn outcome(on: bool, script: &str) -> (String, u64) {
    let mut e = engine(on);
    let ops = Rc::new(Cell::new(0));
    let o = ops.clone();
    e.on_progress(move |n| {
        o.set(n);
        None
    });
    let value = match e.eval::<Dynamic>(script) {
        Ok(v) => format!("{v:?}"),
        Err(err) => format!("error: {err}"),
    };
    (value, ops.get())
}

fn same_on_and_off(script: &str) -> String {
    let on = outcome(true, script);
    assert_eq!(on, outcome(false, script), "{script}");
    on.0
}

#[test]
fn direct_method_calls_give_the_same_values() {
    let script =
        "let x = 2; let f = || h.add(x, 10); [h.add(1), h.add(x, 3), f.call(), h.n, h.n.abs(), h.run(|| h.add(5))]";
    assert_eq!(same_on_and_off(script), "[41, 46, 60, 40, 40, 45]");
}

#[test]
fn script_methods_and_shadowing_still_win() {
    // A script method of that name is found first, with `this` the handle; a variable
    // in scope named like the global is not the global.
    assert_eq!(same_on_and_off("fn add(x) { this.n * 100 + x } h.add(1)"), "4001");
    assert_eq!(same_on_and_off("let h = #{n: 1, add: |x| this.n + x}; h.add(1)"), "2");
}

#[test]
fn errors_are_the_same() {
    let err = same_on_and_off("h.nope(1)");
    assert!(err.contains("nope"), "{err}");
    let err = same_on_and_off("h.add(\"x\")");
    assert!(err.starts_with("error: "), "{err}");
    let err = same_on_and_off("h.run(|| throw 7)");
    assert!(err.contains('7'), "{err}");
}
