//! Unit tests of the vendored rhai's `js_global_free_names` option (vendor/README.md): a
//! closure does not capture the global-module variables it names, but reads them when it
//! runs. Every script runs with the option on and off and must give the same value; the
//! number of curried captures shows which names were captured.

use std::cell::Cell;
use std::rc::Rc;

use rhai::{Engine, FnPtr, Module, Scope};

use super::option_outcome::value;

/// A handle, as procbox's globals are: a copy is the same object.
#[derive(Clone)]
struct Counter(Rc<Cell<i64>>);

fn engine(on: bool, fn_globals: bool) -> Engine {
    let mut e = Engine::new();
    // The default optimization level, as procbox: without the optimizer, stock Rhai
    // cannot capture a global module's variable at all (its `Share` statement finds no
    // variable of that name); the optimizer drops the global from `Share` and puts it in
    // as a constant, in a function body even where a parameter (a capture) has its name.
    e.set_js_global_free_names(on).set_js_fn_globals(fn_globals).set_js_self_capture(true);
    e.register_type_with_name::<Counter>("Counter").register_fn("bump", |c: &mut Counter| {
        c.0.set(c.0.get() + 1);
        c.0.get()
    });
    let mut m = Module::new();
    m.set_var("G", Counter(Rc::new(Cell::new(0))));
    m.set_var("LIMIT", 3_i64);
    e.register_global_module(m.into());
    e
}

/// The closure `script` evaluates to: how many values it has curried (its captures).
fn captures(e: &Engine, script: &str) -> usize {
    match e.eval::<FnPtr>(script) {
        Ok(f) => f.curry().len(),
        Err(err) => panic!("{script}: {err}"),
    }
}

/// The value with the option on and off (must be the same) and the captures on and off.
fn check(script: &str, closure: &str) -> (String, usize, usize) {
    let v = value(&engine(true, false), script);
    assert_eq!(v, value(&engine(false, false), script), "{script}");
    (v, captures(&engine(true, false), closure), captures(&engine(false, false), closure))
}

/// Each `(script, closure)`: the same value with the option on and off, and the closure
/// keeps its one capture either way (the name is captured as stock Rhai does).
fn keeps_its_capture(cases: &[(&str, &str)]) {
    for &(script, closure) in cases {
        let (_, on, off) = check(script, closure);
        assert_eq!((on, off), (1, 1), "{script}");
    }
}

#[test]
fn global_module_variables_are_read_not_captured() {
    // The body sees the global module's handle: each call bumps the same counter.
    let (v, on, off) = check(
        "let n = 0; let f = || { n += 1; G.bump() + LIMIT }; f.call(); f.call(); [n, f.call()]",
        "let n = 0; || { n += 1; G.bump() + LIMIT }",
    );
    assert_eq!(v, "[2, 6]");
    assert_eq!((on, off), (1, 3), "only `n` is captured with the option on");
    // Nested closures: neither captures `G`.
    let (v, on, off) = check(
        "let o = || { let i = || G.bump(); i }; o.call().call() + o.call().call()",
        "|| { let i = || G.bump(); i }",
    );
    assert_eq!(v, "3");
    assert_eq!((on, off), (0, 1));
}

#[test]
fn declared_names_are_still_captured() {
    // A `let` before the closure, a parameter of an enclosing closure, the variable the
    // enclosing `let` defines (js_self_capture): captured as stock Rhai does, with the
    // option on too.
    keeps_its_capture(&[
        ("let G = 5; let f = || G; G = 6; f.call()", "let G = 5; || G"),
        ("let o = |G| || G; o.call(3).call()", "let o = |G| || G; o.call(3)"),
        (
            "let o = |G| { let i = || || G; i.call() }; o.call(3).call()",
            "let o = |G| { let i = || || G; i.call() }; o.call(3)",
        ),
        ("let G = || G; G", "let G = || G; G"),
    ]);
    // A variable of the scope given to the compiler (the REPL's earlier lines).
    for on in [true, false] {
        let e = engine(on, false);
        let mut scope = Scope::new();
        scope.push("G", 7_i64);
        let ast = e.compile_with_scope(&scope, "|| G + 1").unwrap();
        let f: FnPtr = e.eval_ast_with_scope(&mut scope, &ast).unwrap();
        assert_eq!(f.curry().len(), 1, "on {on}");
    }
}

#[test]
fn a_later_let_does_not_change_what_the_closure_sees() {
    // Stock Rhai captured the global when the closure was made; with the option the body
    // reads it by name, and the closure's scope has no `G` either way.
    let (v, on, off) = check("let f = || G.bump(); let G = 5; [f.call(), G]", "|| G.bump()");
    assert_eq!(v, "[1, 5]");
    assert_eq!((on, off), (0, 1));
}

#[test]
fn written_or_opaque_bodies_keep_their_captures() {
    // The body assigns to the name, a closure inside shares it, `eval`, `!` calls: the
    // capture stays, so the body's own copy is written as in stock Rhai.
    keeps_its_capture(&[
        ("let f = || { LIMIT = 10; LIMIT }; [f.call(), LIMIT]", "|| { LIMIT = 10; LIMIT }"),
        ("let f = || { LIMIT += 1; LIMIT }; [f.call(), f.call()]", "|| { LIMIT += 1; LIMIT }"),
        (
            "let f = || { let h = || { LIMIT = 2 }; h.call(); LIMIT }; f.call()",
            "|| { let h = || { LIMIT = 2 }; h.call(); LIMIT }",
        ),
        ("let f = || { eval(\"LIMIT\") + LIMIT }; f.call()", "|| { eval(\"LIMIT\") + LIMIT }"),
    ]);
}

#[test]
fn fn_bodies_with_fn_globals_keep_their_captures() {
    // A `fn` seeing the top-level variables (js_fn_globals) might see a top-level `G`.
    let script = "fn a() { || G.bump() } a()";
    assert_eq!(captures(&engine(true, true), script), 1);
    assert_eq!(captures(&engine(true, false), script), 0);
    assert_eq!(captures(&engine(false, false), script), 1);
    // The option changes nothing in what the closure sees, with js_fn_globals or not.
    let call = "fn a() { || G.bump() } let G = #{}; a().call()";
    for fg in [true, false] {
        assert_eq!(value(&engine(true, fg), call), value(&engine(false, fg), call), "fn_globals {fg}");
    }
    assert_eq!(value(&engine(true, false), call), "1");
}

#[test]
fn a_variable_resolver_keeps_the_captures() {
    let mut e = engine(true, false);
    #[allow(deprecated)] // volatile, not deprecated (rhai's note)
    e.on_var(|_, _, _| Ok(None));
    assert_eq!(captures(&e, "|| G.bump()"), 1);
}
