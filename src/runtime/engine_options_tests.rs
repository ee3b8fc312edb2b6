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
