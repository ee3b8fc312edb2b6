//! `Promise(|resolve, reject| …)`, `Promise.resolve/reject/all/allSettled/race/any`,
//! and `then`/`catch`/`finally` (`catch` parses after a `.`, see `runtime::syntax`).
//!
//! ```rhai
//! let p = Promise(|resolve, reject| setTimeout(|| resolve.call(42), 10));
//! p.then(|v| v + 1).catch(|e| print(e.message)).finally(|| print("done"));
//! Promise.all([p, Promise.resolve(1)]).then(|vs| print(vs));
//! ```

use std::cell::Cell;
use std::rc::Rc;

use rhai::{Array, Dynamic, Engine, EvalAltResult, FnPtr, NativeCallContext, Position};

use crate::runtime::State;
use crate::runtime::callback::Callback;
use crate::runtime::promise::{Combinator, Handler, Promise, combine};
use crate::value::error;

type Res<T> = Result<T, Box<EvalAltResult>>;

/// The `Promise` global's static side.
#[derive(Clone)]
pub struct PromiseStatics(Rc<State>);

/// The resolving functions handed to an executor; each settles the promise once.
#[allow(deprecated)]
fn resolvers(st: &Rc<State>, p: &Promise) -> (FnPtr, FnPtr) {
    let done = Rc::new(Cell::new(false));
    let (s, q, d) = (st.clone(), p.clone(), done.clone());
    let resolve = FnPtr::from_fn("resolve", move |_, args| {
        if !d.replace(true) {
            q.resolve(&s.micro, args.first_mut().map(|a| std::mem::take(&mut **a)).unwrap_or_default());
        }
        Ok(Dynamic::UNIT)
    })
    .expect("valid name");
    let (s, q) = (st.clone(), p.clone());
    let reject = FnPtr::from_fn("reject", move |_, args| {
        if !done.replace(true) {
            q.reject(&s.micro, args.first_mut().map(|a| std::mem::take(&mut **a)).unwrap_or_default());
        }
        Ok(Dynamic::UNIT)
    })
    .expect("valid name");
    (resolve, reject)
}

fn construct(ctx: &NativeCallContext, st: &Rc<State>, executor: FnPtr) -> Res<Promise> {
    let p = Promise::pending();
    let (resolve, reject) = resolvers(st, &p);
    let run = Callback::new(ctx, executor).call(ctx.engine(), vec![resolve.into(), reject.clone().into()]);
    match run {
        Err(e) if matches!(*e, EvalAltResult::ErrorTerminated(..)) => return Err(e),
        Err(e) => {
            #[allow(deprecated)]
            let _ = reject.call_raw(ctx, None, [error::to_value(&e)])?;
        }
        Ok(_) => {}
    }
    Ok(p)
}

fn handler(ctx: &NativeCallContext, f: Dynamic) -> Handler {
    match f.try_cast::<FnPtr>() {
        Some(f) => Handler::Script(Callback::new(ctx, f)),
        None => Handler::Pass,
    }
}

/// `finally(f)`: `f()` runs either way, then the original outcome passes on (after
/// waiting for what `f` returned, as the specification says).
fn finally(ctx: &NativeCallContext, st: &State, p: &Promise, f: Dynamic) -> Promise {
    let Some(f) = f.try_cast::<FnPtr>() else { return p.then(&st.micro, Handler::Pass, Handler::Pass) };
    let cb = Callback::new(ctx, f);
    let side = |rejected: bool| {
        let cb = cb.clone();
        Handler::Native(Rc::new(move |engine: &Engine, q, v| {
            let r = cb.call(engine, vec![])?;
            let after = Handler::Native(Rc::new(move |_, _, _| {
                if rejected {
                    Err(EvalAltResult::ErrorRuntime(v.clone(), Position::NONE).into())
                } else {
                    Ok(v.clone())
                }
            }));
            Ok(Dynamic::from(Promise::resolved(q, r).then(q, after, Handler::Pass)))
        }))
    };
    p.then(&st.micro, side(false), side(true))
}

pub fn register(engine: &mut Engine, st: &Rc<State>) {
    engine.register_type_with_name::<Promise>("Promise");
    engine.register_type_with_name::<PromiseStatics>("PromiseConstructor");
    let s = st.clone();
    engine.register_fn("Promise", move |ctx: NativeCallContext, executor: FnPtr| construct(&ctx, &s, executor));

    engine.register_fn("resolve", |p: &mut PromiseStatics, v: Dynamic| Promise::resolved(&p.0.micro, v));
    engine.register_fn("resolve", |p: &mut PromiseStatics| Promise::resolved(&p.0.micro, Dynamic::UNIT));
    engine.register_fn("reject", |p: &mut PromiseStatics, e: Dynamic| Promise::rejected(&p.0.micro, e));
    for (name, kind) in [
        ("all", Combinator::All),
        ("allSettled", Combinator::AllSettled),
        ("race", Combinator::Race),
        ("any", Combinator::Any),
    ] {
        engine.register_fn(name, move |p: &mut PromiseStatics, items: Array| combine(&p.0.micro, kind, items));
    }

    let s = st.clone();
    engine.register_fn("then", move |ctx: NativeCallContext, p: &mut Promise, f: Dynamic| {
        p.then(&s.micro, handler(&ctx, f), Handler::Pass)
    });
    let s = st.clone();
    engine.register_fn("then", move |ctx: NativeCallContext, p: &mut Promise, f: Dynamic, g: Dynamic| {
        p.then(&s.micro, handler(&ctx, f), handler(&ctx, g))
    });
    let s = st.clone();
    engine.register_fn("catch", move |ctx: NativeCallContext, p: &mut Promise, g: Dynamic| {
        p.then(&s.micro, Handler::Pass, handler(&ctx, g))
    });
    let s = st.clone();
    engine.register_fn("finally", move |ctx: NativeCallContext, p: &mut Promise, f: Dynamic| finally(&ctx, &s, p, f));
    engine.register_fn("to_string", |p: &mut Promise| p.describe(&super::describe));
    engine.register_fn("to_debug", |p: &mut Promise| p.describe(&super::describe));
}

pub fn statics(st: &Rc<State>) -> PromiseStatics {
    PromiseStatics(st.clone())
}
