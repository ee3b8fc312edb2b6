//! The vendored rhai's deferred functions (`rhai::DeferredFns`, vendor/README.md): a
//! global module whose functions are registered at the host's first `load`. Before it,
//! the module is as if it were empty; after it, calls find the functions as if they had
//! been registered up front, with the same error messages for what is still missing.
//! A module without a deferred set (the option off) is stock Rhai's.

use std::cell::Cell;
use std::rc::Rc;

use rhai::{DeferredFns, Dynamic, Engine, INT, Module, Scope};

#[derive(Clone)]
struct Thing(INT);

/// What the deferred set holds: a method, an overload with a `Dynamic` parameter and a
/// getter, as the bindings register them.
fn register_thing_fns(engine: &mut Engine) {
    engine.register_fn("poke", |t: &mut Thing| t.0 + 1);
    engine.register_fn("poke", |t: &mut Thing, by: Dynamic| t.0 + by.as_int().unwrap_or(100));
    engine.register_get("size", |t: &mut Thing| t.0 * 10);
}

/// An engine whose `make(n)` loads the set first (as `require` does), and the set.
fn deferred_engine(fills: &Rc<Cell<u32>>) -> (Engine, DeferredFns) {
    let mut engine = Engine::new();
    engine.register_type_with_name::<Thing>("Thing");
    let count = fills.clone();
    let fns = DeferredFns::new(move |e| {
        count.set(count.get() + 1);
        register_thing_fns(e);
    });
    let mut holder = Module::new();
    holder.add_deferred_fns(fns.clone());
    engine.register_global_module(holder.into());
    let loader = fns.clone();
    engine.register_fn("make", move |n: INT| {
        loader.load();
        Thing(n)
    });
    (engine, fns)
}

fn eager_engine() -> Engine {
    let mut engine = Engine::new();
    engine.register_type_with_name::<Thing>("Thing");
    register_thing_fns(&mut engine);
    engine.register_fn("make", Thing);
    engine
}

fn run(engine: &Engine, script: &str) -> Result<INT, String> {
    engine.eval::<INT>(script).map_err(|e| e.to_string())
}

#[test]
fn loaded_at_first_use_inside_the_evaluation_that_needs_them() {
    let fills = Rc::new(Cell::new(0));
    let (engine, fns) = deferred_engine(&fills);
    assert!(!fns.is_loaded());
    assert_eq!(run(&engine, "40 + 2"), Ok(42), "nothing loaded for a script that does not ask");
    assert_eq!(fills.get(), 0);
    let script = "let t = make(4); t.poke() + t.poke(10) * 10 + t.poke(\"x\") * 1000 + t.size * 100000";
    let eager = run(&eager_engine(), script);
    assert_eq!(eager, Ok(5 + 140 + 104_000 + 4_000_000));
    assert_eq!(run(&engine, script), eager);
    assert!(fns.is_loaded());
    assert_eq!(run(&engine, script), eager, "a second evaluation");
    fns.load();
    assert_eq!(fills.get(), 1, "the registration code runs once");
}

#[test]
fn unknown_functions_fail_as_with_eager_registration() {
    let fills = Rc::new(Cell::new(0));
    let (engine, _) = deferred_engine(&fills);
    let eager = eager_engine();
    for script in
        ["let t = make(1); t.nope()", "let t = make(1); t.poke(1, 2)", "nope(1)", "let t = make(1); t.missing"]
    {
        let (a, b) = (run(&eager, script), run(&engine, script));
        assert!(a.is_err(), "{script}: {a:?}");
        assert_eq!(a, b, "{script}");
    }
}

#[test]
fn before_loading_the_module_is_empty() {
    let fills = Rc::new(Cell::new(0));
    let (engine, fns) = deferred_engine(&fills);
    let mut scope = Scope::new();
    scope.push("t", Thing(1));
    // A value made behind the host's back (the host must not do this): nothing found,
    // with the message a module without the functions gives.
    let err = engine.eval_with_scope::<INT>(&mut scope, "t.poke()").map_err(|e| e.to_string());
    assert_eq!(err, Err("Function not found: poke (Thing) (line 1, position 3)".to_string()));
    assert!(!fns.is_loaded());
    assert_eq!(fills.get(), 0);
}

#[test]
fn a_module_without_a_deferred_set_is_stock() {
    assert!(Module::new().is_empty());
    let mut holder = Module::new();
    holder.add_deferred_fns(DeferredFns::new(|_| {}));
    assert!(!holder.is_empty(), "a module with a set, even unloaded, has something");
    let mut engine = Engine::new();
    engine.register_global_module(Module::new().into());
    assert_eq!(run(&engine, "[1, 2, 3].len()"), Ok(3));
}

#[test]
fn sets_in_one_module_load_apart() {
    let mut engine = Engine::new();
    let (a, b) = (
        DeferredFns::new(|e| {
            e.register_fn("from_a", || 1 as INT);
        }),
        DeferredFns::new(|e| {
            e.register_fn("from_b", || 2 as INT);
        }),
    );
    let mut holder = Module::new();
    holder.add_deferred_fns(a.clone()).add_deferred_fns(b.clone());
    engine.register_global_module(holder.into());
    b.load();
    assert_eq!(run(&engine, "from_b()"), Ok(2));
    assert!(run(&engine, "from_a()").is_err(), "a is not loaded");
    a.load();
    assert_eq!(run(&engine, "from_a() + from_b()"), Ok(3));
}
