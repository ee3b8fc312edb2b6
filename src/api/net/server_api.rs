//! The script surface of `net.Server` (shared by `http.Server`).
//!
//! ```rhai
//! let server = require("net").createServer(|sock| sock.end("hi\n"));
//! server.on("error", |e| print(e.code));
//! server.listen(0, "127.0.0.1", || print(`port ${server.address().port}`));
//! // or: server.listen("/tmp/app.sock") for a Unix socket
//! server.close(|| print("closed"));
//! ```

use rhai::{Dynamic, Engine, EvalAltResult, FnPtr, NativeCallContext};

use super::args;
use super::server::{Bind, Server};
use super::socket_api::address_of;
use crate::api::events;
use crate::api::stream_api::{self, Refable};
use crate::runtime::Task;
use crate::runtime::callback::Callback;
use crate::value::error;

type Res<T> = Result<T, Box<EvalAltResult>>;

/// `listen(port?, host?, backlog?, cb?)`, `listen(path, cb?)`, `listen(options, cb?)`,
/// `listen(server | #{fd}, cb?)`.
pub fn listen(ctx: &NativeCallContext, s: &Server, args: Vec<Dynamic>) -> Res<Server> {
    let a = args::listen_args(args).map_err(error::throw)?;
    match &a.bind {
        Ok(Bind::Tcp { at, .. }) => crate::api::permission::net(&at.ip().to_string(), at.port())?,
        Ok(Bind::AnyHost { port }) => crate::api::permission::net("0.0.0.0", *port)?,
        Ok(Bind::Unix(path, _)) => crate::api::permission::path(crate::perm::Perm::Write, &path.display().to_string())?,
        _ => {}
    }
    let r = if a.lookup { s.listen_later(a.bind, a.backlog) } else { s.listen(a.bind, a.backlog) };
    r.map_err(error::throw)?;
    // `listening` comes on a tick: registering the callback now is in time.
    if let Some(f) = a.cb {
        s.emitter().add("listening".into(), Callback::new(ctx, f), true, false);
    }
    Ok(s.clone())
}

pub fn register(engine: &mut Engine, st: &std::rc::Rc<crate::runtime::State>) {
    engine.register_type_with_name::<Server>("Server");
    events::register::<Server>(engine, st);
    stream_api::register_varargs(engine, "listen", 0, 4, listen);
    engine.register_fn("close", |s: &mut Server| {
        s.close(None);
        s.clone()
    });
    engine.register_fn("close", |ctx: NativeCallContext, s: &mut Server, f: FnPtr| {
        s.close(Some(Callback::new(&ctx, f)));
        s.clone()
    });
    engine.register_fn("address", |s: &mut Server| address_of(s.address()));
    stream_api::register_ref::<Server>(engine);
    engine.register_fn("getConnections", |ctx: NativeCallContext, s: &mut Server, f: FnPtr| {
        let args = vec![Dynamic::UNIT, Dynamic::from(s.connections() as i64)];
        s.0.st().next_tick(Task::Call(Callback::new(&ctx, f), args));
        s.clone()
    });
    engine.register_get("listening", |s: &mut Server| s.listening());
    engine.register_get("connections", |s: &mut Server| s.connections() as i64);
}

impl Refable for Server {
    fn set_ref(&self, on: bool) {
        Server::set_ref(self, on)
    }
}
