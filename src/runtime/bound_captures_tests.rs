//! Unit tests of the vendored rhai's `js_bound_captures` option (vendor/README.md):
//! `FnPtr::call_raw_in_bound_state` called again and again with one kept state, the
//! option on and off. Off, every call binds and drops the captures (stock Rhai's way);
//! on, they stay bound in the kept scope and every result must be the same.

use std::cell::RefCell;
use std::rc::Rc;

use rhai::{
    Caches, Dynamic, Engine, EvalAltResult, FnPtr, GlobalRuntimeState, INT, NativeCallContext, Position, Scope,
};

type Kept = (Vec<FnPtr>, Option<GlobalRuntimeState>);

/// Runs `script`, which hands closures to `keep(f)`; returns the engine, the kept
/// pointers and the global state of the first `keep` call (as procbox's callbacks
/// keep it: reset to level 0).
fn run(on: bool, script: &str) -> (Engine, Vec<FnPtr>, GlobalRuntimeState) {
    run_with(on, false, script)
}

/// [`run`], with procbox's `fn_globals` and `call_fn_vars` on when `globals`.
fn run_with(on: bool, globals: bool, script: &str) -> (Engine, Vec<FnPtr>, GlobalRuntimeState) {
    let mut engine = Engine::new();
    engine.set_js_bound_captures(on).set_js_fn_globals(globals).set_js_call_fn_vars(globals);
    let kept: Rc<RefCell<Kept>> = Rc::default();
    let k = kept.clone();
    engine.register_fn("keep", move |ctx: NativeCallContext, f: FnPtr| {
        let mut k = k.borrow_mut();
        if k.1.is_none() {
            #[allow(deprecated)]
            let mut global = ctx.store_data().global;
            global.level = 0;
            k.1 = Some(global);
        }
        k.0.push(f);
    });
    engine.run(script).unwrap();
    let (fns, global) = kept.take();
    (engine, fns, global.expect("keep was called"))
}

/// What a host keeps to call one closure over and over.
#[derive(Default)]
struct Host {
    caches: Caches,
    scope: Scope<'static>,
    bound: bool,
}

impl Host {
    fn call(
        &mut self,
        engine: &Engine,
        global: &mut GlobalRuntimeState,
        f: &FnPtr,
        mut args: Vec<Dynamic>,
    ) -> Result<Dynamic, Box<EvalAltResult>> {
        let Host { caches, scope, bound } = self;
        f.call_raw_in_bound_state(engine, global, caches, scope, bound, Position::NONE, &mut args)
            .expect("a script closure")
    }

    fn int(&mut self, engine: &Engine, global: &mut GlobalRuntimeState, f: &FnPtr, args: Vec<Dynamic>) -> INT {
        self.call(engine, global, f, args).unwrap().as_int().unwrap()
    }
}

fn int(n: INT) -> Dynamic {
    Dynamic::from_int(n)
}

#[test]
fn bound_captures_stay_bound_and_stay_shared() {
    for on in [true, false] {
        let (engine, fns, mut g) = run(on, "let n = 0; keep(|x| { n += x; n }); keep(|| n);");
        let (mut add, mut read) = (Host::default(), Host::default());
        let sums: Vec<INT> = (1..=3).map(|x| add.int(&engine, &mut g, &fns[0], vec![int(x)])).collect();
        assert_eq!(sums, [1, 3, 6], "on: {on}");
        // The other closure (and so the script) sees what the bound one wrote.
        assert_eq!(read.int(&engine, &mut g, &fns[1], vec![]), 6, "on: {on}");
        assert_eq!(add.int(&engine, &mut g, &fns[0], vec![int(10)]), 16, "on: {on}");
        // On, the one capture stays in the scope between calls; off, nothing does.
        assert_eq!((add.bound, add.scope.len()), if on { (true, 1) } else { (false, 0) });
        assert_eq!(g.level, 0);
    }
}

#[test]
fn plain_captured_values_are_fresh_at_each_call() {
    // A curried plain value is the function's own copy per call: writes must not stay,
    // bound or not. Shared and plain captures mixed: the shared one is kept.
    let script = "let g = |a, x| { a += x; a }; keep(g.curry(10)); \
                  let n = 0; let h = |a| { n += a; a += 1; n }; keep(h.curry(5)); keep(|| n);";
    for on in [true, false] {
        let (engine, fns, mut g) = run(on, script);
        let mut host = Host::default();
        assert_eq!(host.int(&engine, &mut g, &fns[0], vec![int(1)]), 11);
        assert_eq!(host.int(&engine, &mut g, &fns[0], vec![int(1)]), 11, "on: {on}");
        assert_eq!((host.bound, host.scope.len()), if on { (true, 1) } else { (false, 0) });
        let mut host = Host::default();
        assert_eq!(host.int(&engine, &mut g, &fns[1], vec![]), 5);
        assert_eq!(host.int(&engine, &mut g, &fns[1], vec![]), 10, "on: {on}");
        assert_eq!(host.scope.len(), if on { 2 } else { 0 });
        assert_eq!(Host::default().int(&engine, &mut g, &fns[2], vec![]), 10);
    }
}

#[test]
fn errors_shadowing_and_inner_closures_leave_only_the_captures() {
    let script = "let n = 0; keep(|x| { n += 1; let n = 100; if x == 1 { throw \"no\" } n + x }); \
                  keep(|x| { let g = || n * 10 + x; n += 1; g.call() }); keep(|| n);";
    for on in [true, false] {
        let (engine, fns, mut g) = run(on, script);
        let mut host = Host::default();
        let err = host.call(&engine, &mut g, &fns[0], vec![int(1)]).unwrap_err();
        assert!(format!("{err}").contains("no"), "{err}");
        assert_eq!(host.scope.len(), usize::from(on), "after a throw, on: {on}");
        // The shadowing `let n` went with the call: the capture is the shared `n` again.
        assert_eq!(host.int(&engine, &mut g, &fns[0], vec![int(2)]), 102);
        assert_eq!(host.scope.len(), usize::from(on));
        // A closure made inside the body captures a bound capture and a parameter.
        let mut inner = Host::default();
        assert_eq!(inner.int(&engine, &mut g, &fns[1], vec![int(7)]), 37);
        assert_eq!(inner.int(&engine, &mut g, &fns[1], vec![int(8)]), 48);
        assert_eq!(Host::default().int(&engine, &mut g, &fns[2], vec![]), 4, "on: {on}");
    }
}

#[test]
fn same_captures_tells_copies_from_twins() {
    let (_, fns, _) = run(true, "let n = 0; let f = || n; keep(f); keep(f); for i in 0..2 { keep(|| n + i) }");
    assert!(fns[0].same_captures(&fns[1]), "copies of one closure");
    assert!(!fns[2].same_captures(&fns[3]), "two closures made by one expression");
    assert!(!fns[0].same_captures(&fns[2]));
}

#[test]
fn top_level_variables_go_between_captures_and_parameters() {
    // `twice` is defined after the closure: the closure reaches it as a top-level
    // variable (`free_vars`), pushed per call between the bound captures and `x`.
    let script = "let n = 0; keep(|x| { n += 1; twice(x) * 100 + n * 10 + x }); let twice = |x| x * 2;";
    for on in [true, false] {
        let (engine, fns, mut g) = run_with(on, true, script);
        let mut host = Host::default();
        assert_eq!(host.int(&engine, &mut g, &fns[0], vec![int(3)]), 600 + 10 + 3, "on: {on}");
        assert_eq!(host.int(&engine, &mut g, &fns[0], vec![int(4)]), 800 + 20 + 4, "on: {on}");
        assert_eq!((host.bound, host.scope.len()), if on { (true, 1) } else { (false, 0) });
    }
}
