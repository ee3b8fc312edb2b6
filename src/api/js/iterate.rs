//! Array methods that call back: `forEach`, `map`, `filter`, `reduce`, `find`,
//! `findIndex`, `some`, `every`, `flatMap` and `sort(compare)`.
//!
//! ```rhai
//! [1, 2, 3].map(|x, i| x * i);                 // [0, 2, 6]
//! [1, 2, 3].reduce(|sum, x| sum + x);           // 6
//! [3, 1, 2].sort(|a, b| b - a);                 // [3, 2, 1]
//! ["a", "b"].forEach(|x, i, arr| print(`${i}/${arr.length} ${x}`));
//! ```
//!
//! The callback gets `(item, index, array)`, as many as it declares; the array it
//! gets is a copy (made once per call of the method, and only when asked for).
//! Errors thrown by the callback stop the method and reach the caller unchanged.

use rhai::{Array, Dynamic, Engine, EvalAltResult, FnPtr, INT, NativeCallContext};

use super::call::Callback;
use super::{pure, to_f64, truthy};
use crate::value::{error, sort};

type Res<T> = Result<T, Box<EvalAltResult>>;

/// Calls `f` on each item in order until `visit` says stop (returns `false`).
fn each(
    ctx: &NativeCallContext,
    a: &Array,
    f: &FnPtr,
    mut visit: impl FnMut(usize, &Dynamic, Dynamic) -> Res<bool>,
) -> Res<()> {
    let cb = Callback::new(ctx, f);
    let (want_index, whole) = (cb.wants(2), if cb.wants(3) { whole(a) } else { Dynamic::UNIT });
    for (i, item) in a.iter().enumerate() {
        let index = if want_index { Dynamic::from_int(i as INT) } else { Dynamic::UNIT };
        let mut args = [item.clone(), index, whole.clone()];
        let r = cb.call(&mut args, 1)?;
        if !visit(i, item, r)? {
            break;
        }
    }
    Ok(())
}

/// The array argument: one shared copy for every call.
fn whole(a: &Array) -> Dynamic {
    Dynamic::from_array(a.clone()).into_shared()
}

fn reduce(ctx: &NativeCallContext, a: &Array, f: &FnPtr, init: Option<Dynamic>) -> Res<Dynamic> {
    let mut items = a.iter().enumerate();
    let mut acc = match init {
        Some(v) => v,
        None => match items.next() {
            Some((_, first)) => first.clone(),
            None => {
                let e = error::error("TypeError", "Reduce of empty array with no initial value", None);
                return Err(error::throw(e));
            }
        },
    };
    let cb = Callback::new(ctx, f);
    let (want_index, whole) = (cb.wants(3), if cb.wants(4) { whole(a) } else { Dynamic::UNIT });
    for (i, item) in items {
        let index = if want_index { Dynamic::from_int(i as INT) } else { Dynamic::UNIT };
        let mut args = [std::mem::take(&mut acc), item.clone(), index, whole.clone()];
        acc = cb.call(&mut args, 2)?;
    }
    Ok(acc)
}

/// `arr.sort(compare)`: in place, stable, `()` last (never given to `compare`).
fn sort_by(ctx: &NativeCallContext, a: &mut Array, f: &FnPtr) -> Res<Array> {
    let cb = Callback::new(ctx, f);
    let order = sort::order(a.len(), |i, j| match (a[i].is_unit(), a[j].is_unit()) {
        (true, _) => Ok::<_, Box<EvalAltResult>>(!a[j].is_unit()),
        (false, true) => Ok(false),
        _ => {
            let r = cb.call(&mut [a[i].clone(), a[j].clone()], 2)?;
            // A number's sign (NaN: equal); `true` counts as 1, as in JS.
            Ok(to_f64(&r) > 0.0)
        }
    })?;
    sort::apply(a, &order);
    Ok(a.clone())
}

fn find(ctx: &NativeCallContext, a: &Array, f: &FnPtr) -> Res<Option<usize>> {
    let mut found = None;
    each(ctx, a, f, |i, _, r| {
        if truthy(&r) {
            found = Some(i);
        }
        Ok(found.is_none())
    })?;
    Ok(found)
}

pub fn register(engine: &mut Engine) {
    pure(engine, "forEach", |ctx: NativeCallContext, a: &mut Array, f: FnPtr| each(&ctx, a, &f, |_, _, _| Ok(true)));
    pure(engine, "map", |ctx: NativeCallContext, a: &mut Array, f: FnPtr| -> Res<Array> {
        let mut out = Array::with_capacity(a.len());
        each(&ctx, a, &f, |_, _, r| {
            out.push(r);
            Ok(true)
        })?;
        Ok(out)
    });
    pure(engine, "filter", |ctx: NativeCallContext, a: &mut Array, f: FnPtr| -> Res<Array> {
        let mut out = Array::new();
        each(&ctx, a, &f, |_, item, r| {
            if truthy(&r) {
                out.push(item.clone());
            }
            Ok(true)
        })?;
        Ok(out)
    });
    pure(engine, "flatMap", |ctx: NativeCallContext, a: &mut Array, f: FnPtr| -> Res<Array> {
        let mut out = Array::with_capacity(a.len());
        each(&ctx, a, &f, |_, _, r| {
            if r.is_array() {
                out.extend(r.cast::<Array>());
            } else {
                out.push(r);
            }
            Ok(true)
        })?;
        Ok(out)
    });
    pure(engine, "reduce", |ctx: NativeCallContext, a: &mut Array, f: FnPtr| reduce(&ctx, a, &f, None));
    pure(engine, "reduce", |ctx: NativeCallContext, a: &mut Array, f: FnPtr, init: Dynamic| {
        reduce(&ctx, a, &f, Some(init))
    });
    pure(engine, "find", |ctx: NativeCallContext, a: &mut Array, f: FnPtr| -> Res<Dynamic> {
        Ok(find(&ctx, a, &f)?.map_or(Dynamic::UNIT, |i| a[i].clone()))
    });
    pure(engine, "findIndex", |ctx: NativeCallContext, a: &mut Array, f: FnPtr| -> Res<INT> {
        Ok(find(&ctx, a, &f)?.map_or(-1, |i| i as INT))
    });
    pure(engine, "some", |ctx: NativeCallContext, a: &mut Array, f: FnPtr| -> Res<bool> {
        Ok(find(&ctx, a, &f)?.is_some())
    });
    pure(engine, "every", |ctx: NativeCallContext, a: &mut Array, f: FnPtr| -> Res<bool> {
        let mut all = true;
        each(&ctx, a, &f, |_, _, r| {
            all = truthy(&r);
            Ok(all)
        })?;
        Ok(all)
    });
    engine.register_fn("sort", |ctx: NativeCallContext, a: &mut Array, f: FnPtr| sort_by(&ctx, a, &f));
}
