//! The EventEmitter methods, registered once for every type that has events.
//!
//! ```rhai
//! process.on("exit", |code| print(`bye ${code}`));
//! let f = |sig| print(sig);
//! process.once("SIGUSR2", f);
//! process.off("SIGUSR2", f);
//! process.emit("custom", 1, 2);
//! ```

mod module;

use std::rc::Rc;

use rhai::{Dynamic, Engine, EvalAltResult, FnPtr, ImmutableString, NativeCallContext, Variant};

pub use module::{Events, module, state};

use crate::runtime::State;

use crate::runtime::callback::Callback;
use crate::runtime::emitter::Emitter;

type Res<T> = Result<T, Box<EvalAltResult>>;

/// A script type with events. The hooks let `process` install signal handlers and
/// `stdin` start reading when the first listener arrives.
pub trait EventTarget: Variant + Clone {
    fn emitter(&self) -> &Emitter;
    fn before_listen(&self, _event: &str) -> Res<()> {
        Ok(())
    }
    fn listeners_changed(&self, _event: &str) {}
}

/// Adds a listener; `events` is the module's state ([`state`]), for the limit.
pub fn add<T: EventTarget>(
    events: &Events,
    ctx: &NativeCallContext,
    t: &mut T,
    ev: ImmutableString,
    f: FnPtr,
    once: bool,
    prepend: bool,
) -> Res<T> {
    t.before_listen(&ev)?;
    t.emitter().add(ev.clone(), Callback::new(ctx, f), once, prepend);
    module::check_limit(events, t, &ev);
    t.listeners_changed(&ev);
    Ok(t.clone())
}

pub fn register<T: EventTarget>(engine: &mut Engine, st: &Rc<State>) {
    let events = state(st);
    for (name, once, prepend) in [
        ("on", false, false),
        ("addListener", false, false),
        ("once", true, false),
        ("prependListener", false, true),
        ("prependOnceListener", true, true),
    ] {
        let e = events.clone();
        engine.register_fn(name, move |ctx: NativeCallContext, t: &mut T, ev: ImmutableString, f: FnPtr| {
            add(&e, &ctx, t, ev, f, once, prepend)
        });
    }
    for name in ["off", "removeListener"] {
        engine.register_fn(name, |t: &mut T, ev: ImmutableString, f: FnPtr| {
            t.emitter().remove(&ev, &f);
            t.listeners_changed(&ev);
            t.clone()
        });
    }
    engine.register_fn("removeAllListeners", |t: &mut T| {
        let names = t.emitter().event_names();
        t.emitter().remove_all(None);
        names.iter().for_each(|ev| t.listeners_changed(ev));
        t.clone()
    });
    engine.register_fn("removeAllListeners", |t: &mut T, ev: ImmutableString| {
        t.emitter().remove_all(Some(&ev));
        t.listeners_changed(&ev);
        t.clone()
    });
    engine.register_fn("setMaxListeners", |t: &mut T, n: i64| {
        t.emitter().set_max_listeners(n.max(0) as usize);
        t.clone()
    });
    engine.register_fn("getMaxListeners", move |t: &mut T| module::max_listeners(&events, t.emitter()) as i64);
    engine.register_fn("listenerCount", |t: &mut T, ev: ImmutableString| t.emitter().count(&ev) as i64);
    engine.register_fn("listeners", |t: &mut T, ev: ImmutableString| -> rhai::Array {
        t.emitter().listeners(&ev).into_iter().map(Dynamic::from).collect()
    });
    engine.register_fn("eventNames", |t: &mut T| -> rhai::Array {
        t.emitter().event_names().into_iter().map(Dynamic::from).collect()
    });
    engine.register_fn("emit", |ctx: NativeCallContext, t: &mut T, ev: ImmutableString| {
        t.emitter().emit(ctx.engine(), &ev, &[])
    });
    engine.register_fn("emit", |ctx: NativeCallContext, t: &mut T, ev: ImmutableString, a: Dynamic| {
        t.emitter().emit(ctx.engine(), &ev, &[a])
    });
    engine.register_fn("emit", |ctx: NativeCallContext, t: &mut T, ev: ImmutableString, a: Dynamic, b: Dynamic| {
        t.emitter().emit(ctx.engine(), &ev, &[a, b])
    });
    engine.register_fn(
        "emit",
        |ctx: NativeCallContext, t: &mut T, ev: ImmutableString, a: Dynamic, b: Dynamic, c: Dynamic| {
            t.emitter().emit(ctx.engine(), &ev, &[a, b, c])
        },
    );
    engine.register_fn(
        "emit",
        |ctx: NativeCallContext, t: &mut T, ev: ImmutableString, a: Dynamic, b: Dynamic, c: Dynamic, d: Dynamic| {
            t.emitter().emit(ctx.engine(), &ev, &[a, b, c, d])
        },
    );
}

/// `EventEmitter()`: a plain emitter for scripts (`require("events").EventEmitter()`).
#[derive(Clone, Default)]
pub struct EventEmitter(pub Emitter);

impl EventTarget for EventEmitter {
    fn emitter(&self) -> &Emitter {
        &self.0
    }
}

pub fn register_plain(engine: &mut Engine, st: &Rc<State>) {
    engine.register_type_with_name::<EventEmitter>("EventEmitter");
    engine.register_fn("EventEmitter", EventEmitter::default);
    register::<EventEmitter>(engine, st);
    module::register(engine, st);
}
