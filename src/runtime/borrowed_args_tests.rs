//! Unit tests of the vendored rhai's `js_borrowed_args` option (vendor/README.md): a
//! method call on a global-module handle whose one argument is a variable passes the
//! variable by reference to a function registered as borrowing
//! (`register_js_borrowing_fn`), and gives any other function what stock Rhai gives it.
//! Every script runs with the option on and off and must give the same value (or
//! error) and count the same operations.

use std::any::TypeId;
use std::cell::Cell;
use std::rc::Rc;

use rhai::{Array, Dynamic, Engine, FnPtr, INT, NativeCallContext};

#[derive(Debug, Clone)]
struct Handle;

/// `h.peek(x)` borrows and gives back a copy (counting its calls); `h.poke(x)` is
/// registered as borrowing but breaks the promise (it writes to its argument), to show
/// what it was given; `h.eat(a)` takes its array by value and changes it; `h.keep(x)`
/// stores what it got; `h.run(f)` calls script back.
fn engine_counting(on: bool, calls: Rc<Cell<u32>>) -> Engine {
    let mut e = Engine::new();
    e.set_js_global_handles(true).set_js_global_calls(true).set_js_borrowed_args(on);
    e.set_js_self_capture(true);
    e.register_type_with_name::<Handle>("Handle");
    for t in [TypeId::of::<INT>(), TypeId::of::<Array>(), TypeId::of::<FnPtr>()] {
        let c = calls.clone();
        e.register_js_borrowing_fn("peek", [TypeId::of::<Handle>(), t], move |_, args| {
            c.set(c.get() + 1);
            Ok(args[1].clone())
        });
    }
    e.register_js_borrowing_fn("poke", [TypeId::of::<Handle>(), TypeId::of::<INT>()], |_, args| {
        *args[1] = Dynamic::from(0 as INT);
        Ok(())
    });
    e.register_fn("eat", |_: &mut Handle, mut a: Array| {
        a.push(Dynamic::from(99 as INT));
        a.len() as INT
    });
    let kept = Rc::new(std::cell::RefCell::new(Dynamic::UNIT));
    let k = kept.clone();
    e.register_fn("keep", move |_: &mut Handle, x: Dynamic| *k.borrow_mut() = x);
    e.register_fn("kept", move |_: &mut Handle| kept.borrow().clone());
    e.register_fn("run", |ctx: NativeCallContext, _: &mut Handle, f: FnPtr| -> Result<Dynamic, _> {
        f.call_within_context(&ctx, ())
    });
    let mut m = rhai::Module::new();
    m.set_var("h", Handle);
    e.register_global_module(m.into());
    e
}

fn engine(on: bool) -> Engine {
    engine_counting(on, Rc::default())
}

fn same_on_and_off(script: &str) -> String {
    super::option_outcome::same_on_and_off(engine, script)
}

#[test]
fn a_borrowing_function_is_given_the_variable_itself() {
    // Stock Rhai passes a copy, which `poke` overwrites; with the option, the variable,
    // once the call site knows there is no script method of that name (the first two
    // calls ask, and give a copy, as they would give it to a script method).
    let script = "let r = []; for i in 0..4 { let x = 5; h.poke(x); r.push(x) } r";
    assert_eq!(super::option_outcome::value(&engine(false), script), "[5, 5, 5, 5]");
    assert_eq!(super::option_outcome::value(&engine(true), script), "[5, 5, 0, 0]");
    // Not a variable: a copy.
    let script = "let x = 5; for i in 0..4 { h.poke(x + 0); h.poke(7) } x";
    assert_eq!(super::option_outcome::value(&engine(true), script), "5");
}

#[test]
fn a_borrowing_function_reads_the_variable_itself() {
    for on in [false, true] {
        let n = Rc::new(Cell::new(0));
        let e = engine_counting(on, n.clone());
        let script = "let x = 5; let a = [1]; let f = || 2; [h.peek(x), h.peek(a), h.peek(f).call(), x, a]";
        assert_eq!(super::option_outcome::value(&e, script), "[5, [1], 2, 5, [1]]", "on: {on}");
        assert_eq!(n.get(), 3, "on: {on}");
    }
    assert_eq!(same_on_and_off("let x = 5; h.peek(x) + x"), "10");
}

#[test]
fn other_functions_get_a_copy_and_the_variable_is_unchanged() {
    // `eat` takes its array by value and pushes to it; `keep` stores its argument: the
    // script's variable is as before, and the stored value is a copy.
    assert_eq!(same_on_and_off("let a = [1, 2]; let n = h.eat(a); [n, a]"), "[3, [1, 2]]");
    assert_eq!(same_on_and_off("let a = [1]; h.keep(a); a.push(2); [a, h.kept()]"), "[[1, 2], [1]]");
    // A script method of that name gets a copy too, and runs first.
    assert_eq!(same_on_and_off("fn eat(a) { a.push(0); a.len() } let a = [1]; [h.eat(a), a]"), "[2, [1]]");
}

#[test]
fn shared_variables_and_captures_behave_as_before() {
    // `a` is captured by `f` (shared): the callee sees its value; a closure run during
    // the call reads and changes it.
    let script = "let a = [1]; let f = || { a.push(3); a.len() }; let n = h.eat(a); [n, a, f.call(), a]";
    assert_eq!(same_on_and_off(script), "[2, [1], 2, [1, 3]]");
    let script = "let x = 1; let f = || x += 10; h.run(f); [h.peek(x), x]";
    assert_eq!(same_on_and_off(script), "[11, 11]");
    // The callee runs a closure that uses the argument's own variable.
    let script = "let a = [1]; let f = || a.len(); h.keep(a); [h.run(f), h.kept()]";
    assert_eq!(same_on_and_off(script), "[1, [1]]");
    // A cell locked while a method runs on it, read by a closure that method calls:
    // the same data-race error either way.
    let err = same_on_and_off("let a = [1, 2]; a.map(|v| h.peek(a))");
    assert!(err.contains("race"), "{err}");
}

#[test]
fn constants_loops_and_errors_are_the_same() {
    assert_eq!(same_on_and_off("const C = 7; h.peek(C) + C"), "14");
    assert_eq!(same_on_and_off("let t = 0; for i in 0..20 { t += h.peek(i) } t"), "190");
    let err = same_on_and_off("let s = \"x\"; h.peek(s)");
    assert!(err.starts_with("error: ") && err.contains("peek"), "{err}");
    let err = same_on_and_off("let a = [1]; h.nope(a)");
    assert!(err.contains("nope"), "{err}");
    let err = same_on_and_off("h.peek(undefined_var)");
    assert!(err.contains("undefined_var"), "{err}");
}
