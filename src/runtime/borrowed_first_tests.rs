//! Unit tests of the vendored rhai's `js_borrowed_args` option for a function call's
//! first argument (vendor/README.md): `f(x, ..)` with `x` a variable a closure shares
//! passes the variable's cell to a function registered as borrowing
//! (`register_js_borrowing_fn`) and gives any other function, native or script, what
//! stock Rhai gives it (a copy of the value in the cell). Every script runs with the
//! option on and off and must give the same value (or error) and count the same
//! operations.

use std::any::TypeId;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

use rhai::{Array, Dynamic, Engine, FnPtr, INT, NativeCallContext};

/// `peek(x)` borrows and gives back a copy of the value (counting its calls);
/// `poke(x)` is registered as borrowing but breaks the promise (it writes through its
/// argument), to show what it was given; `eat(a)` takes its array by value, `grow(a)`
/// by reference, and both change it; `keep(x)` stores what it got; `run(a, f)` calls
/// script back.
fn engine_counting(on: bool, calls: Rc<Cell<u32>>) -> Engine {
    let mut e = Engine::new();
    e.set_js_flat_reads(true).set_js_borrowed_args(on).set_js_call_fn_vars(true);
    for t in [TypeId::of::<INT>(), TypeId::of::<Array>(), TypeId::of::<FnPtr>()] {
        let c = calls.clone();
        e.register_js_borrowing_fn("peek", [t], move |_, args| {
            c.set(c.get() + 1);
            Ok(args[0].flatten_clone())
        });
    }
    e.register_js_borrowing_fn("poke", [TypeId::of::<INT>()], |_, args| {
        if let Some(mut v) = args[0].write_lock::<INT>() {
            *v = 0;
        }
        Ok(())
    });
    e.register_fn("eat", |mut a: Array| {
        a.push(Dynamic::from(99 as INT));
        a.len() as INT
    });
    e.register_fn("grow", |a: &mut Array| {
        a.push(Dynamic::from(98 as INT));
        a.len() as INT
    });
    let kept = Rc::new(RefCell::new(Dynamic::UNIT));
    let k = kept.clone();
    e.register_fn("keep", move |x: Dynamic| *k.borrow_mut() = x);
    e.register_fn("kept", move || kept.borrow().clone());
    e.register_fn("run", |ctx: NativeCallContext, _: Array, f: FnPtr| -> Result<Dynamic, _> {
        f.call_within_context(&ctx, ())
    });
    e
}

fn engine(on: bool) -> Engine {
    engine_counting(on, Rc::default())
}

fn same_on_and_off(script: &str) -> String {
    super::option_outcome::same_on_and_off(engine, script)
}

#[test]
fn a_borrowing_function_is_given_the_shared_variable_itself() {
    // Stock Rhai passes a copy of the value in the cell, which `poke` overwrites; with
    // the option, the cell, so the closure sharing `x` sees the write.
    let script = "let x = 5; let f = || x; poke(x); [x, f.call()]";
    assert_eq!(super::option_outcome::value(&engine(false), script), "[5, 5]");
    assert_eq!(super::option_outcome::value(&engine(true), script), "[0, 0]");
    // Not shared, or not a variable: as before (a plain variable is passed by
    // reference by stock Rhai too).
    let script = "let x = 5; let f = || x; poke(x + 0); poke(7); let y = 3; poke(y); [x, y]";
    assert_eq!(super::option_outcome::value(&engine(false), script), "[5, 0]");
    assert_eq!(super::option_outcome::value(&engine(true), script), "[5, 0]");
}

#[test]
fn a_borrowing_function_reads_the_shared_variable() {
    for on in [false, true] {
        let n = Rc::new(Cell::new(0));
        let e = engine_counting(on, n.clone());
        let script = "let x = 5; let a = [1]; let f = || 2; let g = || [x, a, f.call()]; \
                      let r = [peek(x), peek(a), peek(f).call(), x, a]; a.push(2); [r, a, g.call()]";
        assert_eq!(
            super::option_outcome::value(&e, script),
            "[[5, [1], 2, 5, [1]], [1, 2], [5, [1, 2], 2]]",
            "on: {on}"
        );
        assert_eq!(n.get(), 3, "on: {on}");
    }
    assert_eq!(same_on_and_off("let x = 5; let f = || x += 1; f.call(); peek(x) + x"), "12");
    // In a closure's body, as `setImmediate(tick)` in a chain link.
    let script = "let n = 0; let t = 0; let f = || { n += 1; t += peek(n) }; for i in 0..5 { f.call() } [n, t]";
    assert_eq!(same_on_and_off(script), "[5, 15]");
}

#[test]
fn other_functions_get_a_copy_and_the_variable_is_unchanged() {
    // `eat` takes its array by value, `grow` by reference, both push; `keep` stores its
    // argument: the shared variable is as before and the stored value a plain copy.
    let script = "let a = [1, 2]; let f = || a; [eat(a), grow(a), a, f.call(), is_shared(a), type_of(a)]";
    assert_eq!(same_on_and_off(script), "[3, 3, [1, 2], [1, 2], true, \"array\"]");
    let script = "let a = [1]; let f = || a; keep(a); a.push(2); let k = kept(); k.push(3); [a, k, f.call()]";
    assert_eq!(same_on_and_off(script), "[[1, 2], [1, 3], [1, 2]]");
    // A script function gets a copy (Rhai's semantics), with a native of the same name
    // registered as borrowing.
    let script = "fn peek(a) { a.push(0); a.len() } let a = [1]; let f = || a; [peek(a), a, f.call()]";
    assert_eq!(same_on_and_off(script), "[2, [1], [1]]");
    // A function variable called as `g(a)` (`js_call_fn_vars`) gets the value too.
    let script = "let a = [1]; let f = || a; let g = |v| { v.push(5); v }; [g(a), a]";
    assert_eq!(same_on_and_off(script), "[[1, 5], [1]]");
}

#[test]
fn a_native_that_runs_script_using_the_variable_is_unaffected() {
    // `map(a, |x| a.len())`: the closure reads `a` while the native function runs.
    let script = "let a = [1, 2, 3]; map(a, |x| x + a.len())";
    assert_eq!(same_on_and_off(script), "[4, 5, 6]");
    let script = "let a = [1]; let f = || { a.push(7); a.len() }; [run(a, f), a]";
    assert_eq!(same_on_and_off(script), "[2, [1, 7]]");
    // A cell locked while a method runs on it, read by a closure that method calls: the
    // same data-race error either way.
    let err = same_on_and_off("let a = [1, 2]; a.map(|v| peek(a))");
    assert!(err.contains("race"), "{err}");
}

#[test]
fn constants_loops_and_errors_are_the_same() {
    assert_eq!(same_on_and_off("const C = 7; let f = || C; peek(C) + f.call()"), "14");
    let script = "let t = 0; let f = || t; for i in 0..20 { t += peek(t) + i } t";
    assert_eq!(same_on_and_off(script), "1048555");
    let err = same_on_and_off("let s = \"x\"; let f = || s; peek(s)");
    assert!(err.starts_with("error: ") && err.contains("peek ("), "{err}");
    let err = same_on_and_off("let a = [1]; let f = || a; nope(a, 1)");
    assert!(err.contains("nope"), "{err}");
}
