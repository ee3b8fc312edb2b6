//! Unit tests of the vendored rhai's JavaScript closure options (vendor/README.md), each
//! with the option on and off: off must stay stock Rhai.

use rhai::{Engine, EvalAltResult, INT};

fn engine(self_capture: bool, handles: bool, fn_globals: bool) -> Engine {
    let mut e = Engine::new();
    e.set_js_self_capture(self_capture).set_js_shared_handles(handles).set_js_fn_globals(fn_globals);
    e
}

fn eval(e: &Engine, script: &str) -> Result<INT, Box<EvalAltResult>> {
    e.eval::<INT>(script)
}

#[test]
fn self_capture_sees_the_new_variable() {
    // The closure reads its own variable when it runs.
    let script = "let n = 0; let f = |x| if x == 0 { n } else { n += 1; call(f, x - 1) }; call(f, 5)";
    assert_eq!(eval(&engine(true, false, false), script).unwrap(), 5);
    let err = eval(&engine(false, false, false), script).unwrap_err();
    assert!(matches!(*err, EvalAltResult::ErrorVariableNotFound(..)), "{err}");
}

#[test]
fn self_capture_keeps_other_variables_in_place() {
    // One more variable exists while the value is computed; the others must still be
    // found (they are looked up by name meanwhile).
    let script =
        "let a = 1; let b = 2; let f = || { a + b + if type_of(f) == \"Fn\" { 100 } else { 0 } }; a * 10 + b + call(f)";
    assert_eq!(eval(&engine(true, false, false), script).unwrap(), 12 + 103);
    // A failing initial value leaves no half-made variable behind.
    let script = "let x = 1; try { let y = [|| y][5]; } catch { } x";
    assert_eq!(eval(&engine(true, false, false), script).unwrap(), 1);
}

#[test]
fn shared_handles_unlock_function_pointers() {
    // `f` is captured by itself (so shared) and called through a method while it runs.
    let script = "let n = 0; let f = || { n += 1; if n < 3 { f.call() } n }; f.call()";
    assert_eq!(eval(&engine(true, true, false), script).unwrap(), 3);
    let err = eval(&engine(true, false, false), script).unwrap_err();
    assert!(format!("{err}").contains("Data race"), "{err}");
}

#[test]
fn shared_handles_unlock_a_handle_in_a_map() {
    let script = "let m = #{ n: 0 }; m.f = || { m.n += 1; if m.n < 3 { m.f.call() } m.n }; m.f.call()";
    assert_eq!(eval(&engine(true, true, false), script).unwrap(), 3);
    assert!(eval(&engine(true, false, false), script).is_err());
}

#[test]
fn shared_handles_still_refuse_a_plain_value_in_use() {
    let script = "let a = [1, 2]; let f = || a.push(3); a.map(|x| { f.call(); x }); a.len()";
    let err = eval(&engine(true, true, false), script).unwrap_err();
    assert!(matches!(*err, EvalAltResult::ErrorInFunctionCall(..) | EvalAltResult::ErrorDataRace(..)), "{err}");
    assert!(format!("{err}").contains("Data race"), "{err}");
}

#[test]
fn fn_globals_read_and_write_top_level_variables() {
    let script = "fn bump() { count += 1; count * 10 + seen } let count = 1; let seen = 5; bump() + count";
    assert_eq!(eval(&engine(false, false, true), script).unwrap(), 25 + 2);
    let err = eval(&engine(false, false, false), script).unwrap_err();
    assert!(format!("{err}").contains("count"), "{err}");
}

#[test]
fn fn_globals_local_let_shadows() {
    let script = "fn f() { let x = 7; x } let x = 1; f() * 10 + x";
    assert_eq!(eval(&engine(false, false, true), script).unwrap(), 71);
}

#[test]
fn fn_globals_reach_closures_made_inside_functions() {
    let script = "fn make() { || total + 1 } let total = 41; let g = make(); total = 99; g.call()";
    assert_eq!(eval(&engine(false, false, true), script).unwrap(), 100);
}

#[test]
fn fn_globals_only_top_level_variables() {
    // A variable in a block is not the module's: the function does not see it.
    let script = "fn f() { inner } { let inner = 1; f() }";
    assert!(eval(&engine(false, false, true), script).is_err());
}

/// The standard package looked up lazily (`new_engine`, the vendored lookup index)
/// gives what the eager one gives, and a function registered by the host still takes
/// precedence over the package's own.
#[test]
fn lazy_standard_package_finds_what_the_eager_one_does() {
    let scripts = [
        "let a = [3, 1, 2]; a.sort(); a.len() * 100 + a[0] * 10 + a[2]",
        "let s = \"hello\"; s.len() + s.index_of('l') + s.sub_string(1, 3).len()",
        "let m = #{a: 1, b: 2}; m.keys().len() + m.values().reduce(|x, y| x + y, 0)",
        "(2.5).floor().to_int() + max(3, 9) + abs(-4) + parse_int(\"12\") + (7 % 3)",
        "let b = blob(4, 1); b.len() + b[0] + if (1..5).contains(3) { 1 } else { 0 }",
        "let t = timestamp(); if t.elapsed >= 0.0 { 1 } else { 0 }",
        "let x = 10; if x.is_odd { 1 } else { 0 } + x.to_string().len() + \"a,b,c\".split(\",\").len()",
    ];
    let eager = Engine::new();
    let lazy = super::new_engine();
    for script in scripts {
        assert_eq!(eval(&lazy, script).unwrap(), eval(&eager, script).unwrap(), "{script}");
    }
    let err = eval(&lazy, "no_such_fn(1)").unwrap_err();
    assert!(matches!(*err, EvalAltResult::ErrorFunctionNotFound(..)), "{err}");
    // A standard function's name is known to the JS options though not registered: a
    // wrong-arity call stays "function not found" (not "variable not found").
    let (mut eager, mut lazy) = (Engine::new(), super::new_engine());
    for e in [&mut eager, &mut lazy] {
        e.set_js_call_fn_vars(true).set_js_fn_globals(true);
    }
    for script in ["max()", "fn f() { max(1) } f()"] {
        let (a, b) = (eval(&eager, script).unwrap_err(), eval(&lazy, script).unwrap_err());
        assert!(a.to_string().contains("Function not found: max"), "{script}: {a}");
        assert_eq!(a.to_string(), b.to_string(), "{script}");
    }
    let mut lazy = super::new_engine();
    lazy.register_fn("len", |_: &mut rhai::Array| 99 as INT);
    assert_eq!(eval(&lazy, "[1, 2].len()").unwrap(), 99);
}

/// A global-module variable for the `js_global_handles` tests: `bump` changes the value
/// itself (not a handle), `clones` counts the copies Rhai made of it.
#[derive(Debug)]
struct Global {
    n: INT,
    clones: std::rc::Rc<std::cell::Cell<INT>>,
}

impl Clone for Global {
    fn clone(&self) -> Self {
        self.clones.set(self.clones.get() + 1);
        Global { n: self.n, clones: self.clones.clone() }
    }
}

fn global_engine(on: bool) -> (Engine, std::rc::Rc<std::cell::Cell<INT>>) {
    let mut e = Engine::new();
    e.set_js_global_handles(on);
    let clones = std::rc::Rc::new(std::cell::Cell::new(0));
    e.register_type_with_name::<Global>("Global");
    e.register_fn("bump", |g: &mut Global| g.n += 1);
    e.register_get("n", |g: &mut Global| g.n);
    e.register_get("clones", |g: &mut Global| g.clones.get());
    // Calls back into script while the method runs on `g` (as an `emit` does).
    e.register_fn("run", |ctx: rhai::NativeCallContext, _: &mut Global, f: rhai::FnPtr| -> Result<INT, _> {
        f.call_within_context(&ctx, ())
    });
    let mut m = rhai::Module::new();
    m.set_var("g", Global { n: 0, clones: clones.clone() });
    m.set_var("k", 5 as INT);
    e.register_global_module(m.into());
    (e, clones)
}

#[test]
fn global_handles_reuse_one_copy_per_variable() {
    for on in [false, true] {
        let (e, clones) = global_engine(on);
        let registered = clones.get();
        assert_eq!(eval(&e, "let t = 0; for i in 0..50 { t += g.n } t + k.abs()").unwrap(), 5, "on: {on}");
        let copies = clones.get() - registered;
        assert!(if on { copies == 1 } else { copies >= 50 }, "on: {on}, {copies} copies");
    }
}

#[test]
fn global_handles_reentry_takes_a_fresh_copy() {
    // The chain on `g` runs `run`, whose callback uses `g` again: the kept copy is
    // locked, so the inner access copies, as stock Rhai always does.
    for on in [false, true] {
        let (e, _) = global_engine(on);
        assert_eq!(eval(&e, "g.run(|| g.run(|| g.n + 7))").unwrap(), 7, "on: {on}");
    }
}

#[test]
fn global_handles_scope_variables_still_shadow() {
    for on in [false, true] {
        let (e, _) = global_engine(on);
        let mut scope = rhai::Scope::new();
        scope.push("g", Global { n: 9, clones: Default::default() });
        assert_eq!(e.eval_with_scope::<INT>(&mut scope, "g.n").unwrap(), 9, "on: {on}");
        assert_eq!(eval(&e, "let g = #{n: 3}; g.n").unwrap(), 3, "on: {on}");
    }
}

#[test]
fn global_handles_keep_what_a_method_changed() {
    // The documented difference: only sound for handles. Stock Rhai changes a copy made
    // for the call; with the option the kept copy is changed.
    let (off, _) = global_engine(false);
    assert_eq!(eval(&off, "g.bump(); g.bump(); g.n").unwrap(), 0);
    let (on, _) = global_engine(true);
    assert_eq!(eval(&on, "g.bump(); g.bump(); g.n").unwrap(), 2);
    // A read of the variable as a value is still the module's own value.
    assert_eq!(eval(&on, "g.bump(); let c = g; c.n").unwrap(), 0);
}

/// What `probe()` saw of `js_result_unused`, call by call.
fn hints(on: bool, script: &str) -> Vec<bool> {
    let mut e = Engine::new();
    e.set_js_result_hints(on);
    let seen = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let s = seen.clone();
    e.register_fn("probe", move |ctx: rhai::NativeCallContext| -> INT {
        s.borrow_mut().push(ctx.js_result_unused());
        1
    });
    let s = seen.clone();
    e.register_fn("probe", move |ctx: rhai::NativeCallContext, x: INT| -> INT {
        s.borrow_mut().push(ctx.js_result_unused());
        x + 1
    });
    // A native function calling a script closure whose value it uses.
    e.register_fn("apply", |ctx: rhai::NativeCallContext, f: rhai::FnPtr| -> Result<INT, _> {
        f.call_within_context(&ctx, ())
    });
    e.run(script).unwrap();
    seen.take()
}

#[test]
fn result_hints_mark_discarded_statements_only() {
    let cases: &[(&str, &[bool])] = &[
        ("probe(); probe()", &[true, false]),
        ("for i in 0..2 { probe() } let x = 0; while x < 1 { x += 1; probe() }", &[true, true, true]),
        ("let x = probe(); [probe()]; probe() + 1; if true { probe() }", &[false, false, false, false]),
        ("let t = true; if t { probe(); probe() } else { probe() } 1", &[true, true]),
        ("let t = false; if t { 0 } else { probe() }", &[false]),
        ("let t = false; if t { 0 } else { probe() } 1", &[true]),
        ("{ probe(); { probe() } } { probe() }", &[true, true, false]),
        // Arguments are used; the outer call is discarded (it runs after them).
        ("probe(probe()); 1", &[false, true]),
        // A script function's body is not hinted, nor a closure a native function calls.
        ("fn f() { probe() } f(); f()", &[false, false]),
        ("apply(|| probe()); let v = apply(|| { probe(); probe() }); v", &[false, true, false]),
        ("loop { probe(); break; }", &[true]),
    ];
    for (script, want) in cases {
        assert_eq!(hints(true, script), *want, "{script}");
        assert!(hints(false, script).iter().all(|u| !u), "off: {script}");
        assert_eq!(hints(false, script).len(), want.len(), "off: {script}");
    }
}

#[test]
#[allow(deprecated)]
fn result_hints_from_the_host_for_a_discarded_body() {
    // The host marks a body's value discarded (a callback whose value it ignores).
    let mut e = Engine::new();
    e.set_js_result_hints(true);
    let seen = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let s = seen.clone();
    e.register_fn("probe", move |ctx: rhai::NativeCallContext| s.borrow_mut().push(ctx.js_result_unused()));
    let kept = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let k = kept.clone();
    e.register_fn("keep", move |ctx: rhai::NativeCallContext, f: rhai::FnPtr| {
        k.borrow_mut().push((f, ctx.store_data()))
    });
    e.run("keep(|n| if n > 0 { probe() } else { probe(); 0 })").unwrap();
    let (f, store) = kept.borrow_mut().remove(0);
    let mut global = store.global.clone();
    let (mut caches, mut scope) = (rhai::Caches::new(), rhai::Scope::new());
    for (n, unused) in [(1 as INT, true), (1, false), (0, true)] {
        global.js_block_unused = unused;
        let r = f.call_raw_in_state(&e, &mut global, &mut caches, &mut scope, store.pos, [n.into()]);
        global.js_block_unused = false;
        assert!(r.expect("a script function").is_ok());
    }
    assert_eq!(seen.take(), [true, false, true]);
}
