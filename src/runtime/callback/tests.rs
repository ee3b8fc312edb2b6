//! Unit tests of [`Callback`](super::Callback): homes shared by call site, arity,
//! captures kept bound between calls.

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
    Rc::ptr_eq(&a.home, &b.home)
}

#[test]
fn one_call_site_shares_one_home() {
    let (engine, kept) = engine();
    engine.run("let n = 0; for i in 0..3 { keep(|| n += 1); } keep(|| n += 10);").unwrap();
    let cbs = kept.borrow().clone();
    assert!(same_home(&cbs[0], &cbs[1]) && same_home(&cbs[1], &cbs[2]));
    assert!(!same_home(&cbs[2], &cbs[3]), "another call site is another context");
    assert_eq!(cbs[3].home.store.pos.line(), Some(1));
}

#[test]
fn arity_is_per_function_not_per_home() {
    let (engine, kept) = engine();
    engine.run("for f in [|a| a, |a, b| b, || 0, |a| a] { keep(f); }").unwrap();
    let arities: Vec<_> = kept.borrow().iter().map(|c| c.arity).collect();
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
    let _busy = cbs[0].home.fast.borrow_mut();
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
