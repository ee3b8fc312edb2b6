//! Unit tests of [`Callback`](super::Callback): homes shared by call site, arity,
//! captures kept bound between calls.

use rhai::Array;

use super::*;

/// An engine whose `keep(f)` stores a callback, as `setImmediate` does.
fn engine() -> (Engine, Rc<RefCell<Vec<Callback>>>) {
    let mut engine = Engine::new();
    engine.set_js_bound_captures(true);
    let kept = Rc::new(RefCell::new(Vec::new()));
    let k = kept.clone();
    engine.register_fn("keep", move |ctx: NativeCallContext, f: FnPtr| k.borrow_mut().push(Callback::new(&ctx, f)));
    (engine, kept)
}

fn same_home(a: &Callback, b: &Callback) -> bool {
    Rc::ptr_eq(&a.0.home, &b.0.home)
}

#[test]
fn one_call_site_shares_one_home() {
    let (engine, kept) = engine();
    engine.run("let n = 0; for i in 0..3 { keep(|| n += 1); } keep(|| n += 10);").unwrap();
    let cbs = kept.borrow().clone();
    assert!(same_home(&cbs[0], &cbs[1]) && same_home(&cbs[1], &cbs[2]));
    assert!(!same_home(&cbs[2], &cbs[3]), "another call site is another context");
    assert_eq!(cbs[3].0.home.store.pos.line(), Some(1));
}

#[test]
fn arity_is_per_function_not_per_home() {
    let (engine, kept) = engine();
    engine.run("for f in [|a| a, |a, b| b, || 0, |a| a] { keep(f); }").unwrap();
    let arities: Vec<_> = kept.borrow().iter().map(|c| c.0.arity).collect();
    assert_eq!(arities, [Some(1), Some(2), Some(0), Some(1)]);
    let r = kept.borrow()[1].call(&engine, vec![Dynamic::from(1_i64), Dynamic::from(2_i64), Dynamic::from(3_i64)]);
    assert_eq!(r.unwrap().as_int(), Ok(2));
}

#[test]
fn a_home_rebinds_for_another_closure() {
    // Closures registered at one call site share a home; called in turn, each
    // gets its own captures bound, and a re-entered home takes rhai's own path.
    let (engine, kept) = engine();
    engine.run("let a = 0; let b = 100; for f in [|| { a += 1; a }, || { b += 1; b }] { keep(f); }").unwrap();
    let cbs = kept.borrow().clone();
    assert!(same_home(&cbs[0], &cbs[1]));
    let got: Vec<_> = [0, 1, 0, 0, 1].iter().map(|&i| cbs[i].call(&engine, []).unwrap().as_int().unwrap()).collect();
    assert_eq!(got, [1, 101, 2, 3, 102]);
    let _busy = cbs[0].0.home.fast.borrow_mut();
    assert_eq!(cbs[0].call(&engine, []).unwrap().as_int(), Ok(4));
    assert_eq!(cbs[1].call(&engine, [Dynamic::UNIT]).unwrap().as_int(), Ok(103));
}

#[test]
fn a_chain_reuses_its_home() {
    // Each link registers the next from one block deeper: still the same context.
    let (engine, kept) = engine();
    engine.run("let n = 0; let tick; tick = || { n += 1; if n < 5 { keep(tick); } }; keep(tick);").unwrap();
    let mut i = 0;
    while i < kept.borrow().len() {
        let cb = kept.borrow()[i].clone();
        let _ = cb.call(&engine, vec![]).unwrap();
        i += 1;
    }
    let cbs = kept.borrow();
    assert_eq!(cbs.len(), 5);
    assert!(!same_home(&cbs[0], &cbs[1]), "the first link is registered from the main script");
    assert!(cbs[1..].iter().all(|c| same_home(c, &cbs[1])));
    // The link that queues the next is still held (running): the next shares it.
    assert!(cbs[1..].iter().all(|c| same_callback(c, &cbs[1])));
}

fn same_callback(a: &Callback, b: &Callback) -> bool {
    Rc::ptr_eq(&a.0, &b.0)
}

#[test]
fn a_function_given_again_shares_one_callback() {
    let (engine, kept) = engine();
    let script = "let n = 0; let f = || n += 1; let g = || n += 1;
                  for h in [f, f, g, f] { keep(h); } for i in 0..2 { keep(|| n += 1); }";
    engine.run(script).unwrap();
    let cbs = kept.borrow().clone();
    assert!(same_callback(&cbs[0], &cbs[1]), "copies of one pointer");
    assert!(!same_callback(&cbs[1], &cbs[2]), "another closure with the same body");
    assert!(!same_callback(&cbs[2], &cbs[3]), "only the last one made is shared");
    assert!(!same_callback(&cbs[4], &cbs[5]), "a closure made anew captures anew");
    for cb in &cbs {
        let _ = cb.call(&engine, []).unwrap();
    }
    // Once every callback is gone, the next is made anew (nothing kept alive).
    let weak = Rc::downgrade(&cbs[0].0);
    drop(cbs);
    kept.borrow_mut().clear();
    assert!(weak.upgrade().is_none());
}

#[test]
#[allow(deprecated)] // FnPtr::from_dyn_fn is "volatile", not deprecated
fn natives_sharing_a_name_stay_apart() {
    let (mut engine, kept) = engine();
    engine.register_fn("natives", || -> Array {
        let name = ImmutableString::from("same");
        let native = |v: i64| -> Dynamic {
            FnPtr::from_dyn_fn(name.clone(), Box::new(move |_, _| Ok(Dynamic::from(v)))).unwrap().into()
        };
        vec![native(1), native(2)]
    });
    engine.run("let fs = natives(); for i in [0, 0, 1] { keep(fs[i]); }").unwrap();
    let cbs = kept.borrow().clone();
    assert!(same_callback(&cbs[0], &cbs[1]));
    assert!(!same_callback(&cbs[1], &cbs[2]), "same name text, another function");
    let got: Vec<_> = cbs.iter().map(|c| c.call(&engine, []).unwrap().as_int().unwrap()).collect();
    assert_eq!(got, [1, 1, 2]);
}

#[test]
fn short_names_compare_like_eq() {
    let text = "setImmediateAndMore";
    for n in 0..=text.len() {
        let a = text.get(..n).unwrap_or_default();
        // Another buffer with the same text: equal by content, not by address.
        let copy: String = a.chars().collect();
        assert!(same_short(a, &copy), "{a:?} equals itself");
        for i in 0..n {
            let mut b = a.as_bytes().to_vec();
            b[i] ^= 1;
            let b = String::from_utf8(b).expect("ascii");
            assert!(!same_short(a, &b), "{a:?} differs from {b:?} at {i}");
        }
        if n > 0 {
            assert!(!same_short(a, text.get(..n - 1).unwrap_or_default()), "a shorter name differs");
        }
    }
}

#[test]
fn a_queued_task_stays_small() {
    // Every queued nextTick and setImmediate writes one to fresh memory (about 0.4 ns
    // a byte on the benchmark machine): a callback is one pointer, a task four words.
    assert_eq!(std::mem::size_of::<Callback>(), std::mem::size_of::<usize>());
    assert!(std::mem::size_of::<crate::runtime::Task>() <= 4 * std::mem::size_of::<usize>());
}
