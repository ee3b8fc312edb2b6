//! The script surface of `ipc.of[id]`.
//!
//! ```rhai
//! let ipc = require("node-ipc");
//! ipc.connectTo("world", |ipc| {
//!     let world = ipc.of.world;
//!     world.on("connect", || ipc.of.world.emit("message", "hello"));
//!     world.on("message", |data| print(data));
//! });
//! ```
//!
//! `emit(type, data)` sends to the service (it is not a local emit); every other
//! EventEmitter method works locally as usual.

use rhai::{Dynamic, Engine, EvalAltResult, ImmutableString};

use super::client::{IpcClient, Target};
use super::wire;
use crate::api::events::{self, EventTarget};
use crate::runtime::emitter::Emitter;

type Res<T> = Result<T, Box<EvalAltResult>>;

impl EventTarget for IpcClient {
    fn emitter(&self) -> &Emitter {
        &self.0.emitter
    }
}

fn send(c: &IpcClient, first: &Dynamic, data: &Dynamic) -> Res<()> {
    let bytes = wire::bytes(&c.0.log.config.cfg.borrow(), first, data)?;
    c.send(bytes);
    Ok(())
}

pub fn register(engine: &mut Engine, st: &std::rc::Rc<crate::runtime::State>) {
    engine.register_type_with_name::<IpcClient>("IpcClient");
    events::register::<IpcClient>(engine, st);
    // These replace the local `emit`s `events::register` made (same signatures).
    engine.register_fn("emit", |c: &mut IpcClient, t: ImmutableString| send(c, &t.into(), &Dynamic::UNIT));
    engine.register_fn("emit", |c: &mut IpcClient, t: ImmutableString, d: Dynamic| send(c, &t.into(), &d));
    // node-ipc ignores arguments after the payload.
    engine.register_fn("emit", |c: &mut IpcClient, t: ImmutableString, d: Dynamic, _: Dynamic| send(c, &t.into(), &d));
    engine.register_fn("emit", |c: &mut IpcClient, t: ImmutableString, d: Dynamic, _: Dynamic, _: Dynamic| {
        send(c, &t.into(), &d)
    });
    engine.register_fn(
        "emit",
        |c: &mut IpcClient, t: ImmutableString, d: Dynamic, _: Dynamic, _: Dynamic, _: Dynamic| send(c, &t.into(), &d),
    );
    // Raw mode's `emit(bytes)`, and a clear error for a type that is not a string.
    engine.register_fn("emit", |c: &mut IpcClient, first: Dynamic| send(c, &first, &Dynamic::UNIT));
    engine.register_fn("emit", |c: &mut IpcClient, first: Dynamic, d: Dynamic| send(c, &first, &d));
    engine.register_get("id", |c: &mut IpcClient| c.0.id.clone());
    engine.register_get("path", |c: &mut IpcClient| match &c.0.target {
        Target::Unix(p) => p.clone(),
        Target::Tcp { host, .. } => host.clone(),
    });
    engine.register_get("port", |c: &mut IpcClient| match &c.0.target {
        Target::Unix(_) => Dynamic::FALSE,
        Target::Tcp { port, .. } => Dynamic::from(*port as i64),
    });
    engine.register_get("connected", |c: &mut IpcClient| c.connected());
    engine.register_get("destroyed", |c: &mut IpcClient| c.destroyed());
    engine.register_get("explicitlyDisconnected", |c: &mut IpcClient| c.explicitly_disconnected());
    engine.register_get("retriesRemaining", |c: &mut IpcClient| match c.retries_left() {
        Some(n) => Dynamic::from(n as i64),
        None => Dynamic::from(f64::INFINITY),
    });
}
