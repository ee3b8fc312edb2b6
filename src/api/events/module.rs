//! `require("events")`: the module is the `EventEmitter` function itself, as in Node,
//! so `let EE = require("events"); let e = EE.call();` (or `EE()` where the engine
//! calls function values) and `require("events").EventEmitter()` both make an
//! emitter. On it: `once(emitter, name)` (a promise of the event's arguments, rejected
//! by an `error` event), `defaultMaxListeners` (get/set), and the
//! `MaxListenersExceededWarning` every emitter gives when an event goes over its limit.
//!
//! ```rhai
//! let EventEmitter = require("events");
//! let e = EventEmitter.call();
//! EventEmitter.once(e, "ready").then(|args| print(args));
//! e.emit("ready", 1, 2);        // args: [1, 2]
//! ```

use std::cell::Cell;
use std::rc::{Rc, Weak};

use rhai::{Array, Dynamic, Engine, EvalAltResult, FnPtr, ImmutableString, Map, NativeCallContext};

use super::EventTarget;
use crate::api::util::received;
use crate::runtime::State;
use crate::runtime::emitter::Emitter;
use crate::runtime::promise::Promise;
use crate::value::error;

type Res<T> = Result<T, Box<EvalAltResult>>;

/// The name of the function value that is the module.
const NAME: &str = "EventEmitter";

/// The module's state, a slot on the runtime state: every emitter type's bindings
/// keep the `Rc` (see [`state`]), so adding a listener looks nothing up.
pub struct Events {
    default_max: Cell<usize>,
    /// For the warning (weak: the slot lives inside the state).
    st: Weak<State>,
    next_id: Cell<u64>,
}

/// This runtime's [`Events`].
pub fn state(st: &Rc<State>) -> Rc<Events> {
    st.slots.get_or_init(|| Events { default_max: Cell::new(10), st: Rc::downgrade(st), next_id: Cell::new(0) })
}

pub fn module(_st: &Rc<State>) -> Dynamic {
    Dynamic::from(FnPtr::new(NAME).expect("valid name"))
}

pub fn max_listeners(ev: &Events, e: &Emitter) -> usize {
    e.max_listeners().unwrap_or_else(|| ev.default_max.get())
}

/// How Node names the emitter in the warning (its constructor's name).
fn class_name<T>() -> &'static str {
    match std::any::type_name::<T>().rsplit("::").next().unwrap_or("EventEmitter") {
        "Process" => "process",
        "Stdin" => "ReadStream",
        other => other,
    }
}

/// Node's `MaxListenersExceededWarning`, once per event, when a listener is added.
pub fn check_limit<T: EventTarget>(ev: &Events, t: &T, event: &ImmutableString) {
    let max = max_listeners(ev, t.emitter());
    if !t.emitter().over_limit(event, max) {
        return;
    }
    let Some(st) = ev.st.upgrade() else { return };
    let count = t.emitter().count(event);
    let message = format!(
        "Possible EventEmitter memory leak detected. {count} {event} listeners added to [{}]. MaxListeners is {max}. \
         Use emitter.setMaxListeners() to increase limit",
        class_name::<T>()
    );
    let mut fields = Map::new();
    fields.insert("emitter".into(), Dynamic::from(t.clone()));
    fields.insert("type".into(), event.clone().into());
    fields.insert("count".into(), (count as i64).into());
    crate::runtime::warning::warn_with(&st, &message, "MaxListenersExceededWarning", fields);
}

fn check_self(f: &FnPtr) -> Res<()> {
    if f.fn_name() == NAME {
        Ok(())
    } else {
        Err(error::throw(error::coded("TypeError", "ERR_INVALID_THIS", "not the events module")))
    }
}

/// Calls an emitter method (`once`, `removeListener`) whatever the emitter's type.
fn call_method(ctx: &NativeCallContext, name: &str, emitter: &Dynamic, event: &str, f: FnPtr) -> Res<()> {
    let (mut e, mut ev, mut f) = (emitter.clone(), Dynamic::from(event.to_string()), Dynamic::from(f));
    ctx.call_fn_raw(name, true, true, &mut [&mut e, &mut ev, &mut f]).map(drop).map_err(|err| {
        if matches!(*err, EvalAltResult::ErrorFunctionNotFound(..)) {
            let msg = format!(
                "The \"emitter\" argument must be an instance of EventEmitter or EventTarget. {}",
                received(emitter)
            );
            error::throw(error::coded("TypeError", "ERR_INVALID_ARG_TYPE", &msg))
        } else {
            err
        }
    })
}

/// `events.once(emitter, name)`.
#[allow(deprecated)]
fn once(ctx: &NativeCallContext, st: &Rc<State>, emitter: Dynamic, event: ImmutableString) -> Res<Promise> {
    let ev = state(st);
    let id = ev.next_id.replace(ev.next_id.get() + 1);
    let (on_event, on_error) = (format!("events_once_{id}"), format!("events_once_error_{id}"));
    let p = Promise::pending();
    let watch_error = event != "error";

    let (q, s, em, ev, other) = (p.clone(), st.clone(), emitter.clone(), event.clone(), on_event.clone());
    let reject = FnPtr::from_fn(on_error.clone(), move |ctx, args| {
        call_method(&ctx, "removeListener", &em, &ev, FnPtr::new(other.as_str())?)?;
        q.reject(&s.micro, args.first().map(|a| (**a).clone()).unwrap_or_default());
        Ok(Dynamic::UNIT)
    })?;
    let (q, s, em) = (p.clone(), st.clone(), emitter.clone());
    let resolve = FnPtr::from_fn(on_event, move |ctx, args| {
        if watch_error {
            call_method(&ctx, "removeListener", &em, "error", FnPtr::new(on_error.as_str())?)?;
        }
        let all: Array = args.iter().map(|a| (**a).clone()).collect();
        q.resolve(&s.micro, all.into());
        Ok(Dynamic::UNIT)
    })?;
    call_method(ctx, "once", &emitter, &event, resolve)?;
    if watch_error {
        call_method(ctx, "once", &emitter, "error", reject)?;
    }
    Ok(p)
}

pub fn register(engine: &mut Engine, st: &Rc<State>) {
    let ev = state(st);
    engine.register_get("EventEmitter", |f: &mut FnPtr| -> Res<FnPtr> {
        check_self(f)?;
        Ok(f.clone())
    });
    engine.register_fn("EventEmitter", |f: &mut FnPtr| -> Res<super::EventEmitter> {
        check_self(f)?;
        Ok(super::EventEmitter::default())
    });
    let e1 = ev.clone();
    engine.register_get_set(
        "defaultMaxListeners",
        move |f: &mut FnPtr| -> Res<i64> {
            check_self(f)?;
            Ok(e1.default_max.get() as i64)
        },
        move |f: &mut FnPtr, n: i64| -> Res<()> {
            check_self(f)?;
            ev.default_max.set(n.max(0) as usize);
            Ok(())
        },
    );
    let s = st.clone();
    engine.register_fn(
        "once",
        move |ctx: NativeCallContext, f: &mut FnPtr, emitter: Dynamic, event: ImmutableString| -> Res<Promise> {
            check_self(f)?;
            once(&ctx, &s, emitter, event)
        },
    );
}
