//! The vendored rhai's speed additions (vendor/README.md, "Speed"): each must leave
//! behaviour as stock Rhai has it. `FnPtr::call_raw_in_state` against `call_raw`, and
//! the remembered typed-method hashes against a type registered after first use.

use rhai::{Caches, Dynamic, Engine, FnPtr, GlobalRuntimeState, INT, NativeCallContext, Scope};
use std::cell::RefCell;
use std::rc::Rc;

/// Function pointers kept with the context of the call that gave them.
#[allow(deprecated)]
type Kept = Rc<RefCell<Vec<(FnPtr, rhai::NativeCallContextStore)>>>;

/// An engine whose `keep(f)` stores the function pointer and the call's context.
#[allow(deprecated)]
fn keeper() -> (Engine, Kept) {
    let mut engine = Engine::new();
    let kept = Rc::new(RefCell::new(Vec::new()));
    let k = kept.clone();
    engine.register_fn("keep", move |ctx: NativeCallContext, f: FnPtr| {
        let mut store = ctx.store_data();
        store.global.level = 0;
        k.borrow_mut().push((f, store));
    });
    (engine, kept)
}

#[test]
#[allow(deprecated)]
fn call_raw_in_state_matches_call_raw() {
    let (engine, kept) = keeper();
    engine
        .run("let n = 0; keep(|x| { n += x; n }); keep(|| throw \"boom\"); fn deep(d) { if d > 0 { deep(d - 1) } else { 0 } } keep(|| deep(100000)); keep(Fn(\"abs\"));")
        .unwrap();
    let kept = kept.borrow();
    let (add, store) = &kept[0];
    let mut global: GlobalRuntimeState = store.global.clone();
    let (mut caches, mut scope) = (Caches::new(), Scope::new());
    for want in [5, 10, 15] {
        let r =
            add.call_raw_in_state(&engine, &mut global, &mut caches, &mut scope, store.pos, [Dynamic::from(5 as INT)]);
        assert_eq!(r.unwrap().unwrap().as_int().unwrap(), want);
        assert_eq!(global.level, 0, "the level is given back");
        assert!(scope.is_empty(), "the scope is rewound");
    }
    // The stock path sees the same captured variable.
    let ctx = store.create_context(&engine);
    assert_eq!(add.call_raw(&ctx, None, [Dynamic::from(1 as INT)]).unwrap().as_int().unwrap(), 16);

    // Errors come out as call_raw's do, and the state stays usable afterwards.
    let (boom, s2) = &kept[1];
    let fast = boom.call_raw_in_state(&engine, &mut global, &mut caches, &mut scope, s2.pos, []).unwrap();
    let slow = boom.call_raw(&s2.create_context(&engine), None, []);
    assert_eq!(fast.unwrap_err().to_string(), slow.unwrap_err().to_string());
    let (deep, s3) = &kept[2];
    let fast = deep.call_raw_in_state(&engine, &mut global, &mut caches, &mut scope, s3.pos, []).unwrap();
    assert!(fast.unwrap_err().to_string().contains("Stack overflow"));
    assert_eq!(global.level, 0);
    let r = add.call_raw_in_state(&engine, &mut global, &mut caches, &mut scope, store.pos, [Dynamic::from(0 as INT)]);
    assert_eq!(r.unwrap().unwrap().as_int().unwrap(), 16);

    // Not a script function: nothing is done, the arguments are untouched.
    let (abs, s4) = &kept[3];
    let mut args = [Dynamic::from(-3 as INT)];
    assert!(abs.call_raw_in_state(&engine, &mut global, &mut caches, &mut scope, s4.pos, &mut args).is_none());
    assert_eq!(args[0].as_int().unwrap(), -3);
    // A wrong number of arguments is not linked either.
    assert!(add.call_raw_in_state(&engine, &mut global, &mut caches, &mut scope, store.pos, []).is_none());
}

#[derive(Clone)]
struct Thing;

#[test]
fn typed_methods_follow_a_type_registered_later() {
    let script = r#"
        fn int.twice() { this * 2 }
        fn Thing.name() { "thing" }
        fn name() { "any" }
        let t = make();
        `${21.twice()} ${t.name()}`
    "#;
    let mut engine = Engine::new();
    engine.register_fn("make", || Thing);
    // Before the type has a display name, `fn Thing.name` does not match it.
    assert_eq!(engine.eval::<String>(script).unwrap(), "42 any");
    engine.register_type_with_name::<Thing>("Thing");
    assert_eq!(engine.eval::<String>(script).unwrap(), "42 thing");
    // And a fresh engine agrees at once.
    let mut fresh = Engine::new();
    fresh.register_type_with_name::<Thing>("Thing").register_fn("make", || Thing);
    assert_eq!(fresh.eval::<String>(script).unwrap(), "42 thing");
}

/// Parameters are bound under the function definition's own (shared) name strings
/// instead of fresh copies: what a script sees must not change. Parameters, captures,
/// shadowing, recursion, a parameter assigned to, `is_def_var`, the caller's scope after.
#[test]
fn parameters_bound_by_shared_names_behave_as_before() {
    let engine = Engine::new();
    let script = r#"
        fn fact(n) { if n <= 1 { 1 } else { n * fact(n - 1) } }
        fn swap(a, b) { let t = a; a = b; b = t; [a, b] }
        fn shadow(x) { let x = x * 2; x + 1 }
        fn knows(x) { [is_def_var("x"), is_def_var("y")] }
        let k = 10;
        let add = |y| y + k;
        let both = |a, b| { a += 1; a * 100 + b };
        [fact(5), swap(1, 2), shadow(5), knows(1), add.call(5), both.call(3, 4), fact(3)]
    "#;
    let r = engine.eval::<rhai::Array>(script).unwrap();
    let text = format!("{r:?}");
    assert_eq!(text, "[120, [2, 1], 11, [true, false], 15, 404, 6]");
    // The parameters are gone from the caller's scope after the call.
    let mut scope = Scope::new();
    engine.run_with_scope(&mut scope, "fn f(alpha, beta) { alpha + beta } let s = f(1, 2);").unwrap();
    assert_eq!(scope.get_value::<INT>("s"), Some(3));
    assert_eq!(scope.iter().map(|(n, ..)| n.to_string()).collect::<Vec<_>>(), ["s"]);
}

/// A function pointer's copies share their curried values (copy-on-write): a copy
/// still behaves as an independent value. Changing one copy's curry (`add_curry`,
/// `set_curry`, `iter_curry_mut`, indexing) leaves the other as it was, in Rust and in
/// script (`curry` on a copy); captured variables stay shared between closure copies,
/// as they always were (they are shared cells, not values).
#[test]
fn curried_values_are_shared_copy_on_write() {
    let mut a = FnPtr::new("f").unwrap();
    a.add_curry(Dynamic::from(1_i64)).add_curry(Dynamic::from(2_i64));
    let mut b = a.clone();
    b.add_curry(Dynamic::from(3_i64));
    for v in b.iter_curry_mut() {
        *v = Dynamic::from(v.as_int().unwrap() * 10);
    }
    let ints = |f: &FnPtr| f.curry().iter().map(|v| v.as_int().unwrap()).collect::<Vec<_>>();
    assert_eq!(ints(&a), [1, 2]);
    assert_eq!(ints(&b), [10, 20, 30]);
    let mut c = b.clone();
    c[0] = Dynamic::from(7_i64);
    c.set_curry([Dynamic::from(8_i64)].into_iter().chain(c.curry()[1..].iter().cloned()).collect::<Vec<_>>());
    assert_eq!(ints(&b), [10, 20, 30]);
    assert_eq!(ints(&c), [8, 20, 30]);
    a.set_curry(Vec::new());
    assert!(!a.is_curried());

    let engine = Engine::new();
    let r: INT = engine
        .eval(
            r#"
            fn add(a, b, c) { a * 100 + b * 10 + c }
            let f = Fn("add").curry(1);
            let g = f.curry(2);
            let h = f.curry(3);
            let x = 0;
            let inc = || { x += 1; x };
            let inc2 = inc;
            inc.call(); inc2.call();
            g.call(4) * 1000 + h.call(5) + x * 1000000
            "#,
        )
        .unwrap();
    assert_eq!(r, 2 * 1_000_000 + 124 * 1000 + 135);
}

/// `Scope::rewind` pops entries itself (procbox: `pop`, not `truncate`): the values
/// dropped are the ones above the mark, each exactly once; rewinding to the length or
/// beyond changes nothing; shared values and scripts that define variables in blocks and
/// calls see the same results.
#[test]
fn scope_rewind_drops_what_is_above_the_mark() {
    let counted = Rc::new(());
    let mut scope = Scope::new();
    scope.push("a", 1 as INT);
    for name in ["b", "c", "d"] {
        scope.push(name, Dynamic::from(counted.clone()));
    }
    assert_eq!(Rc::strong_count(&counted), 4);
    scope.rewind(5).rewind(4);
    assert_eq!((scope.len(), Rc::strong_count(&counted)), (4, 4));
    scope.rewind(2);
    assert_eq!((scope.len(), Rc::strong_count(&counted)), (2, 2));
    assert!(scope.contains("b") && !scope.contains("c"));
    scope.push("e", 5 as INT);
    assert_eq!(scope.get_value::<INT>("e"), Some(5));
    scope.rewind(0);
    assert_eq!((scope.len(), Rc::strong_count(&counted)), (0, 1));

    let engine = Engine::new();
    let script = "let s = 0; let f = |x| { let y = x * 2; { let z = y + s; s = z; } s }; \
                  for i in 0..5 { let t = f.call(i); s += t; } s";
    assert_eq!(engine.eval::<INT>(script).ok(), Some(104));
}

#[test]
fn map_values_are_dropped_once() {
    // A map's box is dropped through one out-of-line function (rhai's `MapBox`): what a
    // map holds is dropped exactly once, whether the map is dropped, taken out of its
    // `Dynamic`, cloned, nested, or replaced in place.
    let probe = Rc::new(());
    let held = || Dynamic::from(probe.clone());
    let mut map = rhai::Map::new();
    map.insert("a".into(), held());
    map.insert("b".into(), held());
    let value = Dynamic::from_map(map);
    assert_eq!(Rc::strong_count(&probe), 3);
    let copy = value.clone();
    assert_eq!(Rc::strong_count(&probe), 5);
    drop(copy);
    assert_eq!(Rc::strong_count(&probe), 3);
    let taken: rhai::Map = value.cast();
    assert_eq!(Rc::strong_count(&probe), 3);
    let mut outer = rhai::Map::new();
    outer.insert("inner".into(), Dynamic::from_map(taken));
    let mut nested = Dynamic::from_map(outer);
    assert_eq!(Rc::strong_count(&probe), 3);
    assert!(nested.is_map());
    nested = Dynamic::UNIT;
    assert!(nested.is_unit());
    assert_eq!(Rc::strong_count(&probe), 1);
    // Maps made and dropped by a script.
    let engine = Engine::new();
    let r = engine.eval::<INT>("let m = #{a: #{b: [1, 2]}}; let n = m; n.a.b.len() + m.a.b[1]").unwrap();
    assert_eq!(r, 4);
}

#[test]
#[allow(deprecated)] // FnPtr::from_dyn_fn is "volatile", not deprecated
fn is_copy_of_holds_for_copies_only() {
    let (engine, kept) = keeper();
    let script = "let n = 1; let f = || n; let g = || n; keep(f); keep(f); keep(g); keep(Fn(\"h\")); keep(Fn(\"h\"));
                  fn h() { 0 }";
    engine.run(script).unwrap();
    let f: Vec<FnPtr> = kept.borrow().iter().map(|(f, _)| f.clone()).collect();
    assert!(f[0].is_copy_of(&f[1]) && f[1].is_copy_of(&f[0]), "copies of one closure");
    assert!(!f[1].is_copy_of(&f[2]), "another closure, same body and captures");
    assert!(!f[3].is_copy_of(&f[4]), "two pointers made apart (equal, not copies)");
    assert!(f[3].is_copy_of(&f[3].clone()));
    // Natives named by one shared string are still two functions.
    let name = rhai::ImmutableString::from("same");
    let native = |v: INT| FnPtr::from_dyn_fn(name.clone(), Box::new(move |_, _| Ok(Dynamic::from(v)))).unwrap();
    let (a, b) = (native(1), native(2));
    assert!(!a.is_copy_of(&b));
    assert!(a.is_copy_of(&a.clone()));
}

#[test]
#[allow(deprecated)]
fn a_linked_script_calls_as_the_search_does() {
    let (mut engine, kept) = keeper();
    engine.set_js_bound_captures(true);
    engine.run("let n = 0; keep(|x| { n += x; n }); keep(Fn(\"abs\"));").unwrap();
    let kept = kept.borrow();
    let (add, store) = &kept[0];
    let mut global: GlobalRuntimeState = store.global.clone();
    let (mut caches, mut scope, mut bound) = (Caches::new(), Scope::new(), false);
    // One captured variable and one argument.
    let linked = add.linked_script(&global, 2).expect("a script function of two");
    assert!(add.linked_script(&global, 1).is_none(), "not for another number of arguments");
    for want in [5, 10] {
        let args = &mut [Dynamic::from(5 as INT)];
        let r = add.call_linked_in_bound_state(
            &engine,
            &mut global,
            &mut caches,
            &mut scope,
            &mut bound,
            store.pos,
            &linked,
            args,
        );
        assert_eq!(r.unwrap().as_int().unwrap(), want);
    }
    // The searching twin sees the same binding and the same captured variable.
    let args = [Dynamic::from(1 as INT)];
    let r = add.call_raw_in_bound_state(&engine, &mut global, &mut caches, &mut scope, &mut bound, store.pos, args);
    assert_eq!(r.unwrap().unwrap().as_int().unwrap(), 11);
    assert!(kept[1].0.linked_script(&global, 1).is_none(), "a native function is linked to no script");
}
