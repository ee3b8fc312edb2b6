//! Timers, immediates and microtasks: `setTimeout`, `setInterval`, `setImmediate`,
//! their `clear…` twins, and `queueMicrotask`.
//!
//! ```rhai
//! let t = setTimeout(|| print("later"), 100);
//! t.unref();
//! setImmediate(|| print("check phase"));
//! queueMicrotask(|| print("microtask"));
//! let i = setInterval(|| clearInterval(i), 10);
//! ```

use std::any::TypeId;
use std::rc::Rc;

use rhai::{Dynamic, Engine, FnPtr, FuncRegistration, NativeCallContext, Variant};

use crate::event_loop::TimerId;
use crate::event_loop::timers::{MAX_DELAY, clamp_delay};
use crate::runtime::callback::Callback;
use crate::runtime::promise::Job;
use crate::runtime::{State, Task, borrowed_arg};

/// What `setTimeout`/`setInterval` return.
#[derive(Clone)]
pub struct Timeout {
    st: Rc<State>,
    id: TimerId,
}

/// What `setImmediate` returns.
#[derive(Clone)]
pub struct Immediate {
    st: Rc<State>,
    entry: Rc<crate::event_loop::Immediate>,
}

/// JavaScript's `delay * 1`: numbers, numeric strings, booleans; anything else is NaN.
fn delay_of(v: &Dynamic) -> f64 {
    if let Ok(i) = v.as_int() {
        i as f64
    } else if let Ok(f) = v.as_float() {
        f
    } else if let Some(b) = v.clone().try_cast::<bool>() {
        b as i64 as f64
    } else if v.is_string() {
        let s = v.to_string();
        if s.trim().is_empty() { 0.0 } else { s.trim().parse().unwrap_or(f64::NAN) }
    } else {
        f64::NAN
    }
}

/// The handle a starter returns, as the script's value; `()` when the call is a
/// statement whose value is discarded (rhai's `js_result_hints`, e.g. `setImmediate(f);`
/// in a loop): nobody could receive it, and a custom value costs two allocations.
fn handle<T: Variant + Clone>(ctx: &NativeCallContext, h: T) -> Dynamic {
    if ctx.js_result_unused() { Dynamic::UNIT } else { Dynamic::from(h) }
}

fn start(
    ctx: &NativeCallContext,
    st: &Rc<State>,
    f: FnPtr,
    delay: &Dynamic,
    args: Vec<Dynamic>,
    repeat: bool,
) -> Dynamic {
    let ms = delay_of(delay);
    if ms > MAX_DELAY {
        let msg = format!(
            "{} does not fit into a 32-bit signed integer.\nTimeout duration was set to 1.",
            crate::value::js_number(ms)
        );
        super::process::warn(st, &msg, "TimeoutOverflowWarning", None);
    }
    let task = Task::Call(Callback::new(ctx, f), args);
    let id = st.timer_start(clamp_delay(ms), repeat, task);
    handle(ctx, Timeout { st: st.clone(), id })
}

fn clear(st: &State, v: &Dynamic) {
    if let Some(t) = v.clone().try_cast::<Timeout>() {
        st.timer_clear(t.id);
    } else if let Ok(id) = v.as_int() {
        st.timer_clear(id as TimerId);
    }
}

macro_rules! register_starters {
    ($engine:expr, $st:expr, $name:literal, $repeat:expr) => {{
        // By reference (see `by_ref`): the hot forms, `setTimeout(f)` and `setTimeout(f, ms)`.
        let s = $st.clone();
        by_ref($name).register_into_engine($engine, move |ctx: NativeCallContext, f: &mut FnPtr| {
            start(&ctx, &s, f.clone(), &Dynamic::UNIT, vec![], $repeat)
        });
        let s = $st.clone();
        by_ref($name).register_into_engine($engine, move |ctx: NativeCallContext, f: &mut FnPtr, ms: Dynamic| {
            start(&ctx, &s, f.clone(), &ms, vec![], $repeat)
        });
        let s = $st.clone();
        $engine.register_fn($name, move |ctx: NativeCallContext, f: FnPtr, ms: Dynamic, a: Dynamic| {
            start(&ctx, &s, f, &ms, vec![a], $repeat)
        });
        let s = $st.clone();
        $engine.register_fn($name, move |ctx: NativeCallContext, f: FnPtr, ms: Dynamic, a: Dynamic, b: Dynamic| {
            start(&ctx, &s, f, &ms, vec![a, b], $repeat)
        });
        let s = $st.clone();
        $engine.register_fn(
            $name,
            move |ctx: NativeCallContext, f: FnPtr, ms: Dynamic, a: Dynamic, b: Dynamic, c: Dynamic| {
                start(&ctx, &s, f, &ms, vec![a, b, c], $repeat)
            },
        );
    }};
}

/// A starter that takes its function by reference (a pure "method" on the function
/// pointer, for rhai): `setImmediate(cb)` with a variable `cb` then passes the variable
/// itself instead of a boxed copy made for the call and dropped after it. Pure, so a
/// constant function (`const F = || …; setImmediate(F)`) is accepted as before; the
/// starter only copies the pointer (its captures are shared, not copied).
fn by_ref(name: &str) -> FuncRegistration {
    FuncRegistration::new(name).with_purity(true)
}

/// A statement `setImmediate(f);` queues its task alone: the handle's shared state
/// (an allocation) is made only for a call whose value is used.
fn immediate(ctx: &NativeCallContext, st: &Rc<State>, f: Callback, args: Vec<Dynamic>) -> Dynamic {
    let task = Task::Call(f, args);
    if ctx.js_result_unused() {
        st.immediate_unheld(task);
        return Dynamic::UNIT;
    }
    let entry = st.immediate(task);
    Dynamic::from(Immediate { st: st.clone(), entry })
}

pub fn register(engine: &mut Engine, st: &Rc<State>) {
    engine.register_type_with_name::<Timeout>("Timeout");
    engine.register_type_with_name::<Immediate>("Immediate");
    register_starters!(engine, st, "setTimeout", false);
    register_starters!(engine, st, "setInterval", true);
    for name in ["clearTimeout", "clearInterval"] {
        let s = st.clone();
        engine.register_fn(name, move |v: Dynamic| clear(&s, &v));
    }

    // `setImmediate(f)` borrows `f` (rhai's `js_borrowed_args`): a variable a closure
    // shares (a chain's `setImmediate(tick)` inside `tick`) is passed as its cell, not as
    // a copy made for the call; `from_ref` copies nothing when the last callback made
    // holds the same function. Reading under the cell's lock is safe: queueing runs no
    // script.
    let s = st.clone();
    engine.register_js_borrowing_fn("setImmediate", [TypeId::of::<FnPtr>()], move |ctx, args| {
        let f = borrowed_arg::<FnPtr>(args[0], "setImmediate")?;
        Ok(immediate(&ctx, &s, Callback::from_ref(&ctx, &f), vec![]))
    });
    let s = st.clone();
    engine.register_fn("setImmediate", move |ctx: NativeCallContext, f: FnPtr, a: Dynamic| {
        immediate(&ctx, &s, Callback::new(&ctx, f), vec![a])
    });
    let s = st.clone();
    engine.register_fn("setImmediate", move |ctx: NativeCallContext, f: FnPtr, a: Dynamic, b: Dynamic| {
        immediate(&ctx, &s, Callback::new(&ctx, f), vec![a, b])
    });
    engine.register_fn("clearImmediate", |v: Dynamic| {
        if let Some(i) = v.try_cast::<Immediate>() {
            i.st.immediate_clear(&i.entry);
        }
    });

    let s = st.clone();
    engine.register_fn("queueMicrotask", move |ctx: NativeCallContext, f: FnPtr| {
        s.micro.push(Job::Call(Callback::new(&ctx, f)))
    });

    engine.register_fn("ref", |t: &mut Timeout| {
        t.st.timer_set_ref(t.id, true);
        t.clone()
    });
    engine.register_fn("unref", |t: &mut Timeout| {
        t.st.timer_set_ref(t.id, false);
        t.clone()
    });
    engine.register_fn("hasRef", |t: &mut Timeout| t.st.timer_has_ref(t.id));
    engine.register_fn("refresh", |t: &mut Timeout| {
        t.st.timer_refresh(t.id);
        t.clone()
    });
    engine.register_fn("close", |t: &mut Timeout| {
        t.st.timer_clear(t.id);
        t.clone()
    });
    engine.register_fn("to_int", |t: &mut Timeout| t.id as i64);
    engine.register_fn("to_string", |t: &mut Timeout| format!("Timeout {{ id: {} }}", t.id));
    engine.register_fn("to_debug", |t: &mut Timeout| format!("Timeout {{ id: {} }}", t.id));

    engine.register_fn("ref", |i: &mut Immediate| {
        i.st.immediate_set_ref(&i.entry, true);
        i.clone()
    });
    engine.register_fn("unref", |i: &mut Immediate| {
        i.st.immediate_set_ref(&i.entry, false);
        i.clone()
    });
    engine.register_fn("hasRef", |i: &mut Immediate| i.entry.has_ref());
    engine.register_fn("to_string", |_: &mut Immediate| "Immediate {}".to_string());
}
