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

fn same_on_and_off(script: &str) -> String {
    super::option_outcome::same_on_and_off(engine, script)
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

/// A second handle type with a method of the same name: the typed-method hash kept by
/// the option is per type.
#[derive(Debug, Clone)]
struct Other;

fn engine_with_other(on: bool) -> Engine {
    let mut e = engine(on);
    e.register_type_with_name::<Other>("Other");
    e.register_fn("add", |_: &mut Other, x: INT| 1000 + x);
    let mut m = rhai::Module::new();
    m.set_var("g", Other);
    e.register_global_module(m.into());
    e
}

#[test]
fn repeated_calls_take_the_native_path_with_the_same_results() {
    // From the third call on the resolution cache holds the two script-method misses,
    // and the option calls the native function without asking again.
    let script = "let s = 0; for i in 0..6 { s += h.add(i); s += h.add(i, 2); } s";
    assert_eq!(same_on_and_off(script), "525");
    // A script method of that name is still found first on every call.
    let script = "fn add(x) { x * 2 } let s = 0; for i in 0..6 { s += h.add(i) } s";
    assert_eq!(same_on_and_off(script), "30");
    // Errors after the misses are cached: wrong argument type, a throw, no method.
    let script = "let e = []; for i in 0..4 { try { h.add(\"x\") } catch (x) { e.push(type_of(x)) } } e";
    assert_eq!(same_on_and_off(script), "[\"map\", \"map\", \"map\", \"map\"]");
    let script = "let n = 0; for i in 0..4 { try { h.run(|| throw i) } catch (x) { n += x } } n";
    assert_eq!(same_on_and_off(script), "6");
    let err = same_on_and_off("for i in 0..4 { h.nope(i) }");
    assert!(err.contains("nope"), "{err}");
}

#[test]
fn two_handle_types_with_one_method_name() {
    for on in [false, true] {
        let e = engine_with_other(on);
        let script = "let s = []; for i in 0..4 { s.push(h.add(i)); s.push(g.add(i)); } s";
        let v = e.eval::<Dynamic>(script).map(|v| format!("{v:?}")).unwrap_or_else(|e| e.to_string());
        assert_eq!(v, "[40, 1000, 41, 1001, 42, 1002, 43, 1003]", "on: {on}");
    }
}

#[test]
#[allow(deprecated)] // `on_missing_function` is marked volatile, not deprecated
fn a_missing_function_callback_is_still_asked() {
    for on in [false, true] {
        let mut e = engine(on);
        let asked = Rc::new(Cell::new(0));
        let a = asked.clone();
        e.on_missing_function(move |name, _, _, _| {
            a.set(a.get() + 1);
            Ok((name == "nope").then(|| Dynamic::from(7 as INT)))
        });
        let v = e.eval::<INT>("let s = 0; for i in 0..4 { s += h.nope(i) + h.add(i) } s");
        assert_eq!(v.ok(), Some(4 * 7 + 40 * 4 + 6), "on: {on}");
        assert_eq!(asked.get(), 4, "on: {on}");
    }
}
