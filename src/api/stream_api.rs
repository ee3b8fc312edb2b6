//! The script surface that stream-like handles share, registered once per type:
//! flow control (`pause`, `resume`, `isPaused`) for every readable (child pipes,
//! sockets, stdin), `ref`/`unref` for every handle that can hold the loop (children,
//! sockets, servers), and methods taking up to a few optional arguments (`listen`,
//! `write`, `end`) registered for each arity from one function. Each binding keeps
//! its own semantics behind the trait; only the Rhai glue is here.
//!
//! ```rhai
//! let c = spawn("cat");
//! c.stdout.pause();
//! print(c.stdout.isPaused());   // true
//! c.unref();
//! ```

use std::cell::Cell;
use std::rc::{Rc, Weak};

use rhai::{Dynamic, Engine, EvalAltResult, NativeCallContext, Variant};

use crate::io::Handler;
use crate::io::readable::Readable;
use crate::runtime::emitter::Emitter;
use crate::runtime::{RhaiResult, Runtime};

/// A readable whose flow the script controls (Node's paused/flowing modes).
pub trait Flow: Variant + Clone {
    fn pause(&self);
    fn resume(&self);
    fn is_paused(&self) -> bool;
}

/// `pause()` and `resume()` (both return the stream, for chaining) and `isPaused()`.
pub fn register_flow<T: Flow>(engine: &mut Engine) {
    engine.register_fn("pause", |s: &mut T| {
        s.pause();
        s.clone()
    });
    engine.register_fn("resume", |s: &mut T| {
        s.resume();
        s.clone()
    });
    engine.register_fn("isPaused", |s: &mut T| s.is_paused());
}

/// A handle that keeps the process alive unless unref'd (libuv's `uv_ref`/`uv_unref`).
pub trait Refable: Variant + Clone {
    fn set_ref(&self, on: bool);
}

/// `ref()` and `unref()`, both returning the handle.
pub fn register_ref<T: Refable>(engine: &mut Engine) {
    engine.register_fn("ref", |h: &mut T| {
        h.set_ref(true);
        h.clone()
    });
    engine.register_fn("unref", |h: &mut T| {
        h.set_ref(false);
        h.clone()
    });
}

/// A method whose arguments are all optional and shift (`listen(port, host, cb)`,
/// `write(data, encoding, cb)`): one function over the arguments given.
pub type Varargs<T, R> = fn(&NativeCallContext, &T, Vec<Dynamic>) -> Result<R, Box<EvalAltResult>>;

/// Registers `name` for `min..=max` arguments (at most 4) after the receiver.
pub fn register_varargs<T, R>(engine: &mut Engine, name: &str, min: usize, max: usize, f: Varargs<T, R>)
where
    T: Variant + Clone,
    R: Variant + Clone,
{
    for n in min..=max.min(4) {
        match n {
            0 => engine.register_fn(name, move |ctx: NativeCallContext, t: &mut T| f(&ctx, t, vec![])),
            1 => engine.register_fn(name, move |ctx: NativeCallContext, t: &mut T, a: Dynamic| f(&ctx, t, vec![a])),
            2 => engine.register_fn(name, move |ctx: NativeCallContext, t: &mut T, a: Dynamic, b: Dynamic| {
                f(&ctx, t, vec![a, b])
            }),
            3 => engine
                .register_fn(name, move |ctx: NativeCallContext, t: &mut T, a: Dynamic, b: Dynamic, c: Dynamic| {
                    f(&ctx, t, vec![a, b, c])
                }),
            _ => engine.register_fn(
                name,
                move |ctx: NativeCallContext, t: &mut T, a: Dynamic, b: Dynamic, c: Dynamic, d: Dynamic| {
                    f(&ctx, t, vec![a, b, c, d])
                },
            ),
        };
    }
}

/// `listeners_changed` of a readable: a new `data` listener resumes the flow unless
/// `pause()` was called (Node's rule); `true` when the caller should resume.
pub fn data_listener_resumes(event: &str, emitter: &Emitter, flow: &std::cell::RefCell<Readable>) -> bool {
    event == "data" && emitter.has("data") && flow.borrow().listener_resumes()
}

/// Emits `close` once: the first call sets `closed` and emits, later ones do nothing.
pub fn emit_close_once(closed: &Cell<bool>, emitter: &Emitter, engine: &Engine) -> RhaiResult {
    if closed.replace(true) {
        return Ok(Dynamic::UNIT);
    }
    emitter.emit(engine, "close", &[]).map(|_| Dynamic::UNIT)
}

/// `Rc::new_cyclic` for a binding that handles its own stream's events: `make` gets
/// the binding's weak self and the same pointer as the handler its stream posts to.
pub fn new_adapter<T: Handler<Runtime> + 'static>(
    make: impl FnOnce(&Weak<T>, Weak<dyn Handler<Runtime>>) -> T,
) -> Rc<T> {
    Rc::new_cyclic(|me: &Weak<T>| {
        let to: Weak<dyn Handler<Runtime>> = me.clone();
        make(me, to)
    })
}

/// `EventTarget` for a binding `T(Rc<Inner>)` whose inner has an `emitter`; with
/// `readable`, a new `data` listener also resumes the flow (`flow`, `resume()`).
macro_rules! event_target {
    ($t:ty) => {
        impl $crate::api::events::EventTarget for $t {
            fn emitter(&self) -> &$crate::runtime::emitter::Emitter {
                &self.0.emitter
            }
        }
    };
    ($t:ty, readable) => {
        impl $crate::api::events::EventTarget for $t {
            fn emitter(&self) -> &$crate::runtime::emitter::Emitter {
                &self.0.emitter
            }

            fn listeners_changed(&self, event: &str) {
                if $crate::api::stream_api::data_listener_resumes(event, &self.0.emitter, &self.0.flow) {
                    self.0.resume();
                }
            }
        }
    };
}
pub(crate) use event_target;
