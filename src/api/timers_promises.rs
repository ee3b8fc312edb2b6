//! `require("timers/promises")`: `setTimeout(ms, value?, options?)` and
//! `setImmediate(value?, options?)` as promises, settled from the timers and check
//! phases exactly where the callback forms would run (`options.ref: false` unrefs).
//!
//! ```rhai
//! let tp = require("node:timers/promises");
//! tp.setTimeout(50, "done").then(|v| print(v));
//! tp.setImmediate().then(|_| print("check phase"));
//! ```

use std::rc::Rc;

use rhai::{Dynamic, Engine, Map};

use crate::event_loop::timers::clamp_delay;
use crate::runtime::promise::Promise;
use crate::runtime::{State, Task};

#[derive(Clone)]
pub struct TimersPromises(Rc<State>);

pub fn module(st: &Rc<State>) -> Dynamic {
    Dynamic::from(TimersPromises(st.clone()))
}

/// A task that fulfils `p` with `value` when the loop runs it.
fn settle(st: &Rc<State>, p: &Promise, value: Dynamic) -> Task {
    let (st, p) = (Rc::downgrade(st), p.clone());
    Task::Native(Rc::new(move |_| {
        if let Some(st) = st.upgrade() {
            p.resolve(&st.micro, value.clone());
        }
        Ok(Dynamic::UNIT)
    }))
}

fn keeps_alive(options: &Dynamic) -> bool {
    options.read_lock::<Map>().and_then(|o| o.get("ref").and_then(|r| r.as_bool().ok())).unwrap_or(true)
}

pub fn timeout(st: &Rc<State>, ms: &Dynamic, value: Dynamic, options: &Dynamic) -> Promise {
    let p = Promise::pending();
    let ms = ms.as_int().map(|i| i as f64).or_else(|_| ms.as_float()).unwrap_or(1.0);
    let task = settle(st, &p, value);
    let id = st.timer_start(clamp_delay(ms), false, task);
    if !keeps_alive(options) {
        st.timer_set_ref(id, false);
    }
    p
}

pub fn immediate(st: &Rc<State>, value: Dynamic, options: &Dynamic) -> Promise {
    let p = Promise::pending();
    let entry = st.immediate(settle(st, &p, value));
    if !keeps_alive(options) {
        st.immediate_set_ref(&entry, false);
    }
    p
}

pub fn register(engine: &mut Engine) {
    engine.register_type_with_name::<TimersPromises>("TimersPromises");
    engine.register_fn("setTimeout", |m: &mut TimersPromises| timeout(&m.0, &Dynamic::UNIT, ().into(), &().into()));
    engine.register_fn("setTimeout", |m: &mut TimersPromises, ms: Dynamic| timeout(&m.0, &ms, ().into(), &().into()));
    engine
        .register_fn("setTimeout", |m: &mut TimersPromises, ms: Dynamic, v: Dynamic| timeout(&m.0, &ms, v, &().into()));
    engine.register_fn("setTimeout", |m: &mut TimersPromises, ms: Dynamic, v: Dynamic, o: Dynamic| {
        timeout(&m.0, &ms, v, &o)
    });
    engine.register_fn("setImmediate", |m: &mut TimersPromises| immediate(&m.0, ().into(), &().into()));
    engine.register_fn("setImmediate", |m: &mut TimersPromises, v: Dynamic| immediate(&m.0, v, &().into()));
    engine.register_fn("setImmediate", |m: &mut TimersPromises, v: Dynamic, o: Dynamic| immediate(&m.0, v, &o));
}
