//! Unit tests of the vendored rhai's `js_flat_reads` option (vendor/README.md): operands
//! and call arguments read straight out of their variable. Every script is run with the
//! option on and off, which must give the same values, the same operation counts, the
//! same errors and the same variable-resolver calls.

use std::cell::Cell;
use std::rc::Rc;

use rhai::{Dynamic, Engine};

fn engine(on: bool) -> Engine {
    let mut e = Engine::new();
    e.set_js_flat_reads(on);
    e.register_fn("second", |_: i64, b: i64| b);
    e
}

fn same_on_and_off(script: &str) -> String {
    super::option_outcome::same_on_and_off(engine, script)
}

#[test]
fn captured_and_local_operands_read_the_same() {
    // Captured (shared) variables as operands, method and function arguments, in a
    // closure called again and again, as a chain link reads `count < n`.
    let script = "let count = 0; let n = 5; let seen = []; \
                  let f = || { count += 1; if count < n { seen.push(count * 10) } }; \
                  for i in 0..n { f.call() } let s = 0; for x in seen { s = s + second(0, x) } \
                  [count, n, s, seen, -count, !(count < n)]";
    assert_eq!(same_on_and_off(script), "[5, 5, 100, [10, 20, 30, 40], -5, true]");
}

#[test]
fn arguments_stay_copies() {
    // An argument is the callee's copy: a script function changing its parameter, or a
    // method changing its argument, leaves the variable as it was, shared or not.
    let script = "fn bump(a, x) { a.push(x); x += 1; a.len() + x } \
                  let arr = [1]; let v = 10; let f = || bump(arr, v) + bump(arr, v); \
                  let r = f.call(); let b = []; b.push(arr); b.push(v); [r, arr, v, b]";
    assert_eq!(same_on_and_off(script), "[26, [1], 10, [[1], 10]]");
}

#[test]
fn a_locked_variable_still_reports_the_data_race() {
    // `a` is locked while `map` runs; the closure reads it as an argument meanwhile.
    let script = "let a = [1, 2]; let f = || a; a.map(|v| second(v, a))";
    let err = same_on_and_off(script);
    assert!(err.contains("Data race"), "{err}");
}

#[test]
fn a_variable_resolver_is_still_asked_first() {
    for on in [true, false] {
        let mut e = engine(on);
        let asked = Rc::new(Cell::new(0));
        let a = asked.clone();
        #[allow(deprecated)] // volatile, not deprecated (rhai's note)
        e.on_var(move |name, _, _| {
            a.set(a.get() + 1);
            Ok((name == "ten").then(|| Dynamic::from_int(10)))
        });
        let r = e.eval::<i64>("let x = 1; let ten = 3; second(x, ten) + x * ten").unwrap();
        // The resolver answers `ten` before the scope's `ten` is found.
        assert_eq!(r, 20, "on: {on}");
        assert_eq!(asked.get(), 4, "on: {on}");
    }
}

#[test]
fn an_undefined_variable_fails_the_same() {
    let err = same_on_and_off("let x = 1; x + y");
    assert!(err.contains("Variable not found: y"), "{err}");
}

#[test]
fn first_arguments_of_function_calls_read_the_same() {
    // `f(x, ..)` with `x` a variable: a plain one is passed by reference (a native
    // method changes it), a captured one as a copy of its value, a constant as a copy.
    assert_eq!(same_on_and_off("let a = [1]; push(a, 2); a"), "[1, 2]");
    let script = "let a = [1]; let f = || { push(a, 2); second(len(a), len(a)) }; [f.call(), a]";
    assert_eq!(same_on_and_off(script), "[1, [1]]");
    assert_eq!(same_on_and_off("const A = [1]; push(A, 2); A"), "[1]");
    let script = "fn bump(x) { x += 1; x } let v = 1; let f = || bump(v) + bump(v); [f.call(), v]";
    assert_eq!(same_on_and_off(script), "[4, 1]");
    // A captured variable locked by the method call running on it: the data race.
    let script = "let a = [1, 2]; let f = || a.map(|x| len(a) + x); f.call()";
    assert!(same_on_and_off(script).starts_with("error:"));
    assert!(same_on_and_off("second(nope, 1)").starts_with("error:"));
}
