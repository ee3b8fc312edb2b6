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
