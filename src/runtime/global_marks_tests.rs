//! Unit tests of the vendored rhai's `js_global_marks` option (vendor/README.md): the
//! parser marks a variable no declaration around it has with the number of declarations
//! it saw, so that a chain on a global handle skips the scope search, and a closure
//! reads a captured variable from its slot, wherever the scope holds only those. Every
//! script runs with the option on and off, which must give the same value (or error) and
//! count the same operations; the cases are the ones the parser cannot see: a scope the
//! host fills, the REPL's scope kept between lines, `eval`, a later `let`, the top-level
//! variables `set_js_fn_globals` gives a `fn`.

use std::cell::RefCell;
use std::rc::Rc;

use rhai::{Caches, Dynamic, Engine, FnPtr, GlobalRuntimeState, INT, Module, NativeCallContext, Position, Scope};

use super::option_outcome::same_on_and_off;

/// A handle-like global `h` (as procbox's `process`): `h.add(x)` is `n + x`.
#[derive(Debug, Clone)]
struct Handle {
    n: INT,
}

fn engine(on: bool) -> Engine {
    let mut e = Engine::new();
    e.set_js_global_handles(true).set_js_global_calls(true).set_js_flat_reads(true);
    e.set_js_global_free_names(true).set_js_fn_globals(true).set_js_self_capture(true);
    e.set_js_global_marks(on);
    e.register_type_with_name::<Handle>("Handle");
    e.register_fn("add", |h: &mut Handle, x: INT| h.n + x);
    e.register_fn("handle", |n: INT| Handle { n });
    let mut m = Module::new();
    m.set_var("h", Handle { n: 40 });
    e.register_global_module(m.into());
    e
}

fn same(script: &str) -> String {
    same_on_and_off(engine, script)
}

/// `script` run line by line in one scope, each compiled with it, as the REPL runs them
/// (src/repl/session.rs); each line's value.
fn lines_in_one_scope(on: bool, scope: &mut Scope, lines: &[&str]) -> Vec<String> {
    let e = engine(on);
    let mut values = Vec::new();
    for line in lines {
        let ast = e.compile_with_scope(scope, line).unwrap_or_else(|err| panic!("{line}: {err}"));
        match e.eval_ast_with_scope::<Dynamic>(scope, &ast) {
            Ok(v) => values.push(format!("{v:?}")),
            Err(err) => values.push(format!("error: {err}")),
        }
    }
    values
}

#[test]
fn global_handles_read_the_same() {
    // At the top level, in a loop, in a closure (also nested), in a `fn`.
    let script = "let a = []; for i in 0..2 { a.push(h.add(i)) } \
                  let f = || h.add(10); let g = |x| { let y = x; || h.add(y) }; \
                  fn k(x) { h.add(x) } [a, f.call(), g.call(5).call(), k(7)]";
    assert_eq!(same(script), "[[40, 41], 50, 45, 47]");
}

#[test]
fn a_variable_the_parser_cannot_see_still_wins() {
    // `eval` defines one in the caller's scope, at the top level and in a closure.
    assert_eq!(same("eval(\"let h = handle(1)\"); h.add(1)"), "2");
    assert_eq!(same("let f = || { eval(\"let h = handle(2)\"); h.add(1) }; f.call()"), "3");
    // A later `let` in the same block shadows only what follows it, each time round.
    let script = "let a = []; for i in 0..2 { a.push(h.add(1)); let h = handle(i); a.push(h.add(1)) } a";
    assert_eq!(same(script), "[41, 1, 41, 2]");
    // A `fn` sees a top-level variable of that name (set_js_fn_globals).
    assert_eq!(same("fn k() { h.add(1) } let h = handle(5); k()"), "6");
    // A closure that captures a variable of that name.
    assert_eq!(same("let h = handle(3); let f = || h.add(1); f.call()"), "4");
}

#[test]
fn a_scope_filled_by_the_host_still_wins() {
    for on in [true, false] {
        let e = engine(on);
        let ast = e.compile("h.add(1)").unwrap();
        let mut scope = Scope::new();
        scope.push("h", Handle { n: 7 });
        assert_eq!(e.eval_ast_with_scope::<INT>(&mut scope, &ast).unwrap(), 8, "{on}");
        // The same AST with an empty scope reads the global.
        assert_eq!(e.eval_ast_with_scope::<INT>(&mut Scope::new(), &ast).unwrap(), 41, "{on}");
        // Compiled with the scope, run without it.
        let mut scope = Scope::new();
        scope.push("x", 1 as INT);
        let ast = e.compile_with_scope(&scope, "h.add(x)").unwrap();
        scope.push("h", Handle { n: 100 });
        assert_eq!(e.eval_ast_with_scope::<INT>(&mut scope, &ast).unwrap(), 101, "{on}");
    }
}

#[test]
fn the_repl_scope_kept_between_lines_still_wins() {
    let lines = ["h.add(1)", "let h = handle(9);", "h.add(1)", "let f = || h.add(2); f.call()"];
    let on = lines_in_one_scope(true, &mut Scope::new(), &lines);
    assert_eq!(on, lines_in_one_scope(false, &mut Scope::new(), &lines));
    assert_eq!(on, ["41", "()", "10", "11"]);
}

#[test]
fn captures_read_from_their_slot_read_the_same() {
    // A chain link's body: captures read, written and passed on, again and again.
    let script = "let count = 0; let n = 4; let seen = []; \
                  let tick = || { count += 1; if count < n { seen.push(count) } }; \
                  for i in 0..n { tick.call() } [count, n, seen]";
    assert_eq!(same(script), "[4, 4, [1, 2, 3]]");
    // Parameters, block locals and a local that shadows a capture after a first read.
    let script = "let x = 1; let y = 2; \
                  let f = |a, b| { let r = [x, y]; { let t = a; r.push(t + x) } let x = b; r.push(x + y); r }; \
                  [f.call(10, 20), f.call(30, 40), x]";
    assert_eq!(same(script), "[[1, 2, 11, 22], [1, 2, 31, 42], 1]");
    // `eval` in the body defines a variable with a capture's name.
    assert_eq!(same("let x = 1; let f = || { let a = x; eval(\"let x = 7\"); [a, x] }; f.call()"), "[1, 7]");
    // Curried values, a capture written through its shared cell, a closure made in the body.
    let script = "let c = 0; let f = |a, b| { c += a; || c + b }; let g = f.curry(5); \
                  [g.call(1).call(), g.call(2).call(), c]";
    assert_eq!(same(script), "[6, 12, 10]");
    // A closure inside a `fn` (set_js_fn_globals: the top-level `base` pushed in the `fn`).
    let script = "let base = 100; fn mk(k) { let z = k; || z + base } [mk(1).call(), mk(2).call()]";
    assert_eq!(same(script), "[101, 102]");
}

/// Calls the closure `script` evaluates to, three times, with `args` each time, as the
/// host does: in a scope it keeps (bound captures on) or in `scope` (`call_raw_in_state`).
fn host_calls(on: bool, script: &str, scope: Option<Scope<'static>>, args: &[INT]) -> Vec<String> {
    let mut e = engine(on);
    e.set_js_bound_captures(true).set_js_call_fn_vars(true);
    // The closure and the global state of the call that hands it over (as procbox keeps
    // a callback's).
    let kept: Rc<RefCell<Option<(FnPtr, GlobalRuntimeState)>>> = Rc::default();
    let k = kept.clone();
    e.register_fn("keep", move |ctx: NativeCallContext, f: FnPtr| {
        #[allow(deprecated)]
        let mut global = ctx.store_data().global;
        global.level = 0;
        *k.borrow_mut() = Some((f, global));
    });
    e.run(&format!("keep({{ {script} }});")).unwrap();
    let (f, mut global) = kept.take().expect("keep was called");
    let mut caches = Caches::new();
    let (keep_scope, mut kept) = (scope.is_none(), scope.unwrap_or_default());
    let mut bound = false;
    let mut values = Vec::new();
    for _ in 0..3 {
        let mut a: Vec<Dynamic> = args.iter().map(|&n| Dynamic::from_int(n)).collect();
        let r = if keep_scope {
            f.call_raw_in_bound_state(&e, &mut global, &mut caches, &mut kept, &mut bound, Position::NONE, &mut a)
        } else {
            f.call_raw_in_state(&e, &mut global, &mut caches, &mut kept, Position::NONE, &mut a)
        };
        values.push(match r.expect("a script closure") {
            Ok(v) => format!("{v:?}"),
            Err(err) => format!("error: {err}"),
        });
    }
    values
}

#[test]
fn captures_read_the_same_when_the_host_calls() {
    let script = "let a = 3; let b = 4; |x| { a += 1; a * 10 + b + x }";
    let on = host_calls(true, script, None, &[1]);
    assert_eq!(on, host_calls(false, script, None, &[1]));
    assert_eq!(on, ["45", "55", "65"]);
    // A host scope with a variable of a capture's name below the call's own entries.
    let mut scope = Scope::new();
    scope.push("a", 9 as INT);
    let on = host_calls(true, script, Some(scope.clone()), &[2]);
    assert_eq!(on, host_calls(false, script, Some(scope), &[2]));
    assert_eq!(on, ["46", "56", "66"]);
    // A top-level variable the closure calls (set_js_fn_globals with set_js_call_fn_vars
    // push it between the captures and the parameters).
    let script = "let twice = |v| v * 2; let c = 1; |x| { c += 1; twice(x) + c }";
    let on = host_calls(true, script, None, &[5]);
    assert_eq!(on, host_calls(false, script, None, &[5]));
    assert_eq!(on, ["12", "13", "14"]);
}

#[test]
fn errors_are_the_same() {
    assert!(same("let f = || missing + 1; f.call()").starts_with("error:"));
    assert!(same("let x = 1; let f = || { x += 1; y }; f.call()").starts_with("error:"));
}
