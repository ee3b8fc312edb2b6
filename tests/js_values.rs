//! Rhai-level tests of the JavaScript-value engine options procbox switches on
//! (vendor/README.md): each with the option on, and off (stock Rhai).

use rhai::{Dynamic, Engine, EvalAltResult, INT};

fn on() -> Engine {
    let mut e = Engine::new();
    e.set_js_call_fn_vars(true).set_js_division(true).set_js_index_read(true);
    e
}

fn eval(e: &Engine, script: &str) -> Result<Dynamic, Box<EvalAltResult>> {
    e.eval::<Dynamic>(script)
}

fn text(e: &Engine, script: &str) -> String {
    match eval(e, script) {
        Ok(v) => format!("{v:?}"),
        Err(err) => format!("error: {err}"),
    }
}

#[test]
fn call_fn_vars_on() {
    let e = on();
    assert_eq!(e.eval::<INT>("let f = |x| x + 1; f(2)").unwrap(), 3);
    // Captured: a closure calling a variable of its enclosing scope.
    assert_eq!(e.eval::<INT>("let f = |x| x * 10; let g = || f(4); g.call()").unwrap(), 40);
    // Passed in as a parameter of a script function.
    assert_eq!(e.eval::<INT>("fn twice(k, v) { k(k(v)) } let f = |x| x + 1; twice(f, 5)").unwrap(), 7);
    // A script function of the same name wins.
    assert_eq!(e.eval::<String>(r#"fn f(x) { "fn" } let f = |x| "var"; f(1)"#).unwrap(), "fn");
    // Curried, and JS arity: extra arguments dropped, missing ones are ().
    assert_eq!(e.eval::<INT>("let add = |a, b| a + b; let inc = add.curry(1); inc(41)").unwrap(), 42);
    assert_eq!(e.eval::<INT>("let f = |a| a; f(1, 2, 3)").unwrap(), 1);
    assert!(e.eval::<bool>("let f = |a, b| b == (); f(1)").unwrap());
    // The old spellings keep working.
    assert_eq!(e.eval::<INT>("let f = |x| x + 1; f.call(2) + call(f, 2)").unwrap(), 6);
    assert_eq!(e.eval::<INT>("let o = #{ cb: |x| x * 2 }; o.cb(4)").unwrap(), 8);
    // Arguments are evaluated once.
    assert_eq!(e.eval::<INT>("let n = 0; let f = |x| x; f({ n += 1; n }); n").unwrap(), 1);
    // A variable that is no function: still "function not found".
    assert!(text(&e, "let f = 1; f(2)").contains("Function not found: f"));
    // No function and no variable of that name: not defined, as in JavaScript.
    assert!(text(&e, "nothing(2)").contains("Variable not found: nothing"));
    // A script function called with too few or too many arguments: JS arity.
    assert_eq!(text(&e, "fn two(a, b) { `${a}:${b}` } two(1)"), "\"1:\"");
    assert_eq!(text(&e, "fn one(a) { a } one(1, 2)"), "1");
    // A native function that exists with other parameters: still "function not found".
    assert!(text(&e, r#"parse_int(1, 2, 3, 4)"#).contains("Function not found: parse_int"));
}

#[test]
fn call_fn_vars_with_fn_globals() {
    // With the closures helper's `set_js_fn_globals`: a `fn`, or a closure inside a
    // closure, calls a top-level variable holding a function.
    let mut e = on();
    e.set_js_fn_globals(true);
    assert_eq!(e.eval::<INT>("let h = |x| x + 1; fn f(v) { h(v) } f(1)").unwrap(), 2);
    assert_eq!(e.eval::<INT>("let h = |x| x * 3; let o = |s| { let i = |d| h(d); i.call(s) }; o.call(2)").unwrap(), 6);
    // A local of the same name still shadows it; natives and script fns are unaffected.
    assert_eq!(e.eval::<INT>("let h = |x| x + 1; fn f(v) { let h = |x| x * 10; h(v) } f(2)").unwrap(), 20);
    assert_eq!(e.eval::<INT>("fn a() { b() } fn b() { 5 } a()").unwrap(), 5);
    // Without the option, the `fn` does not see it.
    let mut off = Engine::new();
    off.set_js_fn_globals(true);
    assert!(text(&off, "let h = |x| x + 1; fn f(v) { h(v) } f(1)").contains("Function not found: h"));
}

#[test]
fn call_fn_vars_off() {
    let e = Engine::new();
    assert!(text(&e, "let f = |x| x + 1; f(2)").contains("Function not found: f (i64)"));
    assert!(text(&e, "nothing(2)").contains("Function not found: nothing (i64)"));
    assert_eq!(e.eval::<INT>("let f = |x| x + 1; f.call(2)").unwrap(), 3);
}

#[test]
fn division_on() {
    let e = on();
    assert_eq!(text(&e, "10 / 4"), "2.5");
    assert_eq!(text(&e, "10 / 5"), "2");
    assert_eq!(text(&e, "let a = 10; let b = 4; a / b"), "2.5");
    assert_eq!(text(&e, "let a = -7; let b = 2; a / b"), "-3.5");
    assert_eq!(text(&e, "let a = 10; let b = 0; a / b"), "inf");
    assert_eq!(text(&e, "let a = -10; let b = 0; a / b"), "-inf");
    assert_eq!(text(&e, "let a = 0; let b = 0; a / b"), "NaN");
    assert_eq!(text(&e, "let a = 10; let b = 0; a % b"), "NaN");
    assert_eq!(text(&e, "let a = -10; let b = 3; a % b"), "-1");
    assert_eq!(text(&e, "let x = 10; x /= 4; x"), "2.5");
    assert_eq!(text(&e, "let x = 9; x /= 3; x"), "3");
    assert_eq!(text(&e, "let x = 9; x %= 0; x"), "NaN");
    assert_eq!(text(&e, "let a = -9223372036854775807 - 1; let b = -1; a / b"), "9.223372036854776e18");
    // Other integer operators stay integer (and checked).
    assert_eq!(text(&e, "7 * 6 - 2 + 1"), "41");
    assert!(text(&e, "let a = 9223372036854775807; a + 1").contains("overflow"));
}

#[test]
fn division_off() {
    let e = Engine::new();
    assert_eq!(text(&e, "10 / 4"), "2");
    assert_eq!(text(&e, "let x = 10; x /= 4; x"), "2");
    assert!(text(&e, "let a = 10; let b = 0; a / b").contains("Division by zero"));
    assert!(text(&e, "let a = 10; let b = 0; a % b").contains("Modulo division by zero"));
}

#[test]
fn index_read_on() {
    let e = on();
    assert_eq!(text(&e, "let a = [1, 2]; a[2]"), "()");
    assert_eq!(text(&e, "let a = [1, 2]; a[-1]"), "()");
    assert_eq!(text(&e, "[1, 2][-1]"), "()");
    assert_eq!(text(&e, "let a = [1, 2]; a[1]"), "2");
    assert_eq!(text(&e, r#"let s = "abc"; s[3]"#), "()");
    assert_eq!(text(&e, r#"let s = "abc"; s[-1]"#), "()");
    assert_eq!(text(&e, r#""abc"[-1]"#), "()");
    assert_eq!(text(&e, r#"let s = "abc"; s[1]"#), "'b'");
    assert_eq!(text(&e, "let b = blob(2, 7); b[5]"), "()");
    assert_eq!(text(&e, "let m = [[1]]; m[3]"), "()");
    // A float index: a whole number is an index, a fraction reads as out of range.
    assert_eq!(text(&e, "let a = [1, 2, 3]; a[2.0]"), "3");
    assert_eq!(text(&e, "let a = [1, 2, 3]; a[3 / 2]"), "()");
    assert_eq!(text(&e, r#"let s = "abc"; s[4 / 2]"#), "'c'");
    assert_eq!(text(&e, r#"let s = "abc"; s[0.5]"#), "()");
    assert!(text(&e, "let a = [1, 2, 3]; a[0.5] = 1; a").contains("Data type incorrect"));
    // Writing out of range is still an error.
    assert!(text(&e, "let a = [1, 2]; a[5] = 1; a").contains("out of bounds"));
    assert!(text(&e, "let a = [1, 2]; a[5] += 1; a").contains("out of bounds"));
}

#[test]
fn index_read_off() {
    let e = Engine::new();
    assert!(text(&e, "let a = [1, 2]; a[2]").contains("out of bounds"));
    assert_eq!(text(&e, "let a = [1, 2]; a[-1]"), "2");
    assert_eq!(text(&e, r#""abc"[-1]"#), "'c'");
    assert!(text(&e, r#"let s = "abc"; s[3]"#).contains("out of bounds"));
    assert!(text(&e, "let a = [1, 2]; a[1.0]").contains("Data type incorrect"));
}

#[test]
fn catch_value_on() {
    let mut e = Engine::new();
    e.set_max_call_levels(50);
    e.on_js_catch(|err, _src| match err.unwrap_inner() {
        EvalAltResult::ErrorRuntime(v, _) => v.clone(),
        EvalAltResult::ErrorVariableNotFound(v, _) => format!("ReferenceError: {v}").into(),
        other => format!("mapped: {}", other.to_string().split(" (").next().unwrap()).into(),
    });
    assert_eq!(e.eval::<String>("let r = 0; try { nope + 1 } catch (e) { r = e } r").unwrap(), "ReferenceError: nope");
    assert_eq!(e.eval::<INT>("let r = 0; try { throw 42 } catch (e) { r = e } r").unwrap(), 42);
    // A stack overflow is catchable with the option.
    let r = e.eval::<String>("fn f(n) { f(n + 1) } let r = 0; try { f(0) } catch (e) { r = e } r").unwrap();
    assert!(r.starts_with("mapped: Stack overflow"), "{r}");
}

#[test]
fn catch_value_off() {
    let mut e = Engine::new();
    e.set_max_call_levels(50);
    let m = e.eval::<rhai::Map>("let r = 0; try { nope + 1 } catch (e) { r = e } r").unwrap();
    assert!(m["message"].to_string().contains("Variable not found: nope"));
    assert!(text(&e, "fn f(n) { f(n + 1) } let r = 0; try { f(0) } catch (e) { r = e } r").contains("Stack overflow"));
}
