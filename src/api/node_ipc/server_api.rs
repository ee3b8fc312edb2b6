//! The script surface of `ipc.server` and of the sockets its listeners receive.
//!
//! ```rhai
//! let ipc = require("node-ipc");
//! ipc.config.id = "world";
//! ipc.serve();                           // a 0600 socket at <socketRoot>app.world
//! let server = ipc.server;
//! server.on("message", |data, socket| ipc.server.emit(socket, "message", `${data} world!`));
//! server.on("socket.disconnected", |socket, id| print(`bye ${id}`));
//! server.start();
//! server.broadcast("news", #{n: 1});
//! ```
//!
//! `emit(socket, type, data)` sends to one client (it is not a local emit).

use rhai::{Array, Dynamic, Engine, EvalAltResult, ImmutableString};

use super::errors;
use super::server::{IpcServer, IpcSocket, Listen};
use super::wire;
use crate::api::events::{self, EventTarget};
use crate::net::Endpoint;
use crate::runtime::emitter::Emitter;

type Res<T> = Result<T, Box<EvalAltResult>>;

impl EventTarget for IpcServer {
    fn emitter(&self) -> &Emitter {
        &self.0.emitter
    }
}

fn emit(s: &IpcServer, socket: &Dynamic, first: &Dynamic, data: &Dynamic) -> Res<()> {
    let Some(sock) = socket.read_lock::<IpcSocket>().map(|x| x.clone()) else {
        return Err(errors::arg_type("socket", "a socket given by ipc.server", socket));
    };
    let bytes = wire::bytes(&s.0.log.config.cfg.borrow(), first, data)?;
    s.send_to(&sock, bytes);
    Ok(())
}

fn broadcast(s: &IpcServer, first: &Dynamic, data: &Dynamic) -> Res<()> {
    let bytes = wire::bytes(&s.0.log.config.cfg.borrow(), first, data)?;
    s.broadcast(&bytes);
    Ok(())
}

fn register_emit(engine: &mut Engine) {
    // `events::register` made local `emit(name, …)`s; a server's emit takes a socket
    // first, so these replace them (same signatures) and reject the string.
    engine.register_fn("emit", |s: &mut IpcServer, t: ImmutableString| {
        emit(s, &t.into(), &Dynamic::UNIT, &Dynamic::UNIT)
    });
    engine.register_fn("emit", |s: &mut IpcServer, t: ImmutableString, a: Dynamic| {
        emit(s, &t.into(), &a, &Dynamic::UNIT)
    });
    engine.register_fn("emit", |s: &mut IpcServer, t: ImmutableString, a: Dynamic, b: Dynamic| {
        emit(s, &t.into(), &a, &b)
    });
    engine.register_fn("emit", |s: &mut IpcServer, t: ImmutableString, a: Dynamic, b: Dynamic, _: Dynamic| {
        emit(s, &t.into(), &a, &b)
    });
    engine.register_fn(
        "emit",
        |s: &mut IpcServer, t: ImmutableString, a: Dynamic, b: Dynamic, _: Dynamic, _: Dynamic| {
            emit(s, &t.into(), &a, &b)
        },
    );
    engine
        .register_fn("emit", |s: &mut IpcServer, sock: Dynamic, first: Dynamic| emit(s, &sock, &first, &Dynamic::UNIT));
    engine
        .register_fn("emit", |s: &mut IpcServer, sock: Dynamic, first: Dynamic, d: Dynamic| emit(s, &sock, &first, &d));
    engine.register_fn("emit", |s: &mut IpcServer, sock: Dynamic, first: Dynamic, d: Dynamic, _: Dynamic| {
        emit(s, &sock, &first, &d)
    });
}

pub fn register(engine: &mut Engine, st: &std::rc::Rc<crate::runtime::State>) {
    engine.register_type_with_name::<IpcServer>("IpcServer");
    engine.register_type_with_name::<IpcSocket>("IpcSocket");
    events::register::<IpcServer>(engine, st);
    register_emit(engine);
    engine.register_fn("broadcast", |s: &mut IpcServer, first: Dynamic| broadcast(s, &first, &Dynamic::UNIT));
    engine.register_fn("broadcast", |s: &mut IpcServer, first: Dynamic, d: Dynamic| broadcast(s, &first, &d));
    engine.register_fn("start", |s: &mut IpcServer| s.start());
    engine.register_fn("stop", |s: &mut IpcServer| s.stop());
    engine.register_get("sockets", |s: &mut IpcServer| -> Array { s.sockets() });
    engine.register_get("listening", |s: &mut IpcServer| s.listening());
    engine.register_get("path", |s: &mut IpcServer| match &s.0.at {
        Listen::Unix(p) => p.clone(),
        Listen::Tcp { host, .. } => host.clone(),
    });
    // The bound port once listening (useful with port 0), the asked one before.
    engine.register_get("port", |s: &mut IpcServer| match &s.0.at {
        Listen::Unix(_) => Dynamic::FALSE,
        Listen::Tcp { port, .. } => Dynamic::from(s.local_port().unwrap_or(*port) as i64),
    });

    engine.register_get("id", |s: &mut IpcSocket| s.0.id.borrow().clone());
    engine.register_set("id", |s: &mut IpcSocket, v: Dynamic| *s.0.id.borrow_mut() = v);
    engine.register_get("destroyed", |s: &mut IpcSocket| s.0.conn.phase() == super::conn::Phase::Closed);
    engine.register_get("remoteAddress", |s: &mut IpcSocket| match s.0.conn.remote() {
        Some(Endpoint::Tcp(a)) => Dynamic::from(a.ip().to_string()),
        _ => Dynamic::UNIT,
    });
    engine.register_get("remotePort", |s: &mut IpcSocket| match s.0.conn.remote() {
        Some(Endpoint::Tcp(a)) => Dynamic::from(a.port() as i64),
        _ => Dynamic::UNIT,
    });
    engine.register_get("writableLength", |s: &mut IpcSocket| s.0.conn.queued() as i64);
    engine.register_fn("destroy", |s: &mut IpcSocket| s.0.conn.destroy(None));
}
