//! `require("node-ipc")`: node-ipc's API over Unix sockets and TCP, speaking its wire
//! format exactly, so procbox and Node node-ipc peers talk to each other. The
//! protocol core (codec, config, retries) lives in `crate::nodeipc`.
//!
//! ```rhai
//! let ipc = require("node-ipc");
//! let node_ipc = ipc;                  // see below: calls taking callbacks use a second name
//! ipc.config.id = "world";
//! node_ipc.serveNet(|| print("listening"));
//! let server = ipc.server;
//! server.on("message", |data, socket| ipc.server.emit(socket, "message", data + " world!"));
//! server.start();
//!
//! // elsewhere: connectToNet hands the callback the ipc object
//! ipc.connectToNet("world", |ipc| {
//!     let world = ipc.of.world;
//!     world.on("connect", || ipc.of.world.emit("message", "hello"));
//!     world.on("message", |data| { ipc.log("got", data); ipc.disconnect("world"); });
//! });
//! ```
//!
//! Rhai refuses a callback that captures the very variable whose method receives it
//! (`ipc.serveNet(|| ipc.log("up"))` is "Data race detected": the variable is locked
//! during the call). The objects are shared handles, so a second name for the same
//! object (`let node_ipc = ipc;`), a local for the sub-object (`let server =
//! ipc.server;`), or the ipc parameter `connectTo` passes its callback avoids it.
//!
//! Done better than node-ipc 9.x: frames are delivered as soon as they are complete;
//! a partial frame at close, a malformed frame, or one above `config.maxFrameSize`
//! is an `error` event and the connection goes on; raw mode never alters bytes;
//! emits made just before `disconnect` or `process.exit()` are still delivered.

mod args;
mod client;
mod client_api;
mod config_api;
mod conn;
mod errors;
mod log;
mod server;
mod server_api;
mod wire;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use rhai::{Dynamic, Engine, EvalAltResult, FnPtr, ImmutableString, NativeCallContext};

use crate::runtime::State;
use crate::runtime::callback::Callback;
use client::{IpcClient, Target};
use config_api::IpcConfig;
use log::Log;
use server::{IpcServer, Listen};

type Res<T> = Result<T, Box<EvalAltResult>>;

pub struct IpcInner {
    st: Rc<State>,
    config: IpcConfig,
    server: RefCell<Option<IpcServer>>,
    of: RefCell<BTreeMap<String, IpcClient>>,
}

/// The object `require("node-ipc")` returns (and `ipc.IPC()` makes anew).
#[derive(Clone)]
pub struct NodeIpc(Rc<IpcInner>);

/// `ipc.of`: the clients by service id.
#[derive(Clone)]
pub struct IpcOf(Rc<IpcInner>);

/// `require` returns the same instance every time, as Node's module cache does: it
/// is kept in a slot on the runtime state.
pub fn module(st: &Rc<State>) -> Dynamic {
    crate::api::deferred::load::<NodeIpc>(st);
    let ipc = st.slots.get_or_init(|| NodeIpc::new(st));
    Dynamic::from(NodeIpc::clone(&ipc))
}

impl NodeIpc {
    fn new(st: &Rc<State>) -> NodeIpc {
        NodeIpc(Rc::new(IpcInner {
            st: st.clone(),
            config: IpcConfig::new(),
            server: RefCell::new(None),
            of: RefCell::new(BTreeMap::new()),
        }))
    }

    fn log(&self) -> Log {
        Log { st: self.0.st.clone(), config: self.0.config.clone() }
    }

    /// `serve(path?, cb?)`: a Unix-socket server, not started yet; `cb` hears `start`.
    fn serve(&self, ctx: &NativeCallContext, args: Vec<Dynamic>) -> Res<()> {
        let (path, cb) = args::serve(args)?;
        let path = path.unwrap_or_else(|| {
            let c = self.0.config.cfg.borrow();
            c.socket_path(&c.id)
        });
        crate::api::permission::path(crate::perm::Perm::Write, &path)?;
        self.install_server(ctx, Listen::Unix(path), cb);
        Ok(())
    }

    /// `serveNet(host?, port?, cb?)`: a TCP server on `networkHost:networkPort` by default.
    fn serve_net(&self, ctx: &NativeCallContext, args: Vec<Dynamic>) -> Res<()> {
        let (host, port, cb) = args::serve_net(args)?;
        let (host, port) = {
            let c = self.0.config.cfg.borrow();
            (host.unwrap_or_else(|| c.network_host.clone()), port.unwrap_or(c.network_port))
        };
        crate::api::permission::net(&host, port)?;
        self.install_server(ctx, Listen::Tcp { host, port }, cb);
        Ok(())
    }

    fn install_server(&self, ctx: &NativeCallContext, at: Listen, cb: Option<FnPtr>) {
        let server = IpcServer::new(&self.0.st, self.log(), at);
        if let Some(f) = cb {
            server.0.emitter.add("start".into(), Callback::new(ctx, f), false, false);
        }
        // A server replaced by a new `serve` keeps running, as in node-ipc.
        *self.0.server.borrow_mut() = Some(server);
    }

    /// `connectTo(id, path?, cb?)` and `connectToNet(id, host?, port?, cb?)`: a client
    /// in `ipc.of[id]`, connecting now; `cb(ipc)` runs at once, so listeners added in
    /// it are in time for `connect`. A live client of `id` is kept.
    fn connect(&self, ctx: &NativeCallContext, id: String, target: Target, cb: Option<FnPtr>) -> Res<()> {
        // The same permissions as `net`: a Unix socket is written to, a TCP peer is net.
        match &target {
            Target::Unix(path) => crate::api::permission::path(crate::perm::Perm::Write, path)?,
            Target::Tcp { host, port } => crate::api::permission::net(host, *port)?,
        }
        let live = self.0.of.borrow().get(&id).is_some_and(|c| !c.destroyed());
        if !live {
            let client = IpcClient::start(&self.0.st, self.log(), id.clone(), target);
            self.0.of.borrow_mut().insert(id, client);
        }
        if let Some(f) = cb {
            let _ = Callback::new(ctx, f).call(ctx.engine(), vec![Dynamic::from(self.clone())])?;
        }
        Ok(())
    }

    fn connect_to(&self, ctx: &NativeCallContext, id: &Dynamic, rest: Vec<Dynamic>) -> Res<()> {
        let id = args::id(id)?;
        let (path, cb) = args::connect_to(rest)?;
        let path = path.unwrap_or_else(|| self.0.config.cfg.borrow().socket_path(&id));
        self.connect(ctx, id, Target::Unix(path), cb)
    }

    fn connect_to_net(&self, ctx: &NativeCallContext, id: &Dynamic, rest: Vec<Dynamic>) -> Res<()> {
        let id = args::id(id)?;
        let (host, port, cb) = args::connect_to_net(rest)?;
        let (host, port) = {
            let c = self.0.config.cfg.borrow();
            (host.unwrap_or_else(|| c.network_host.clone()), port.unwrap_or(c.network_port))
        };
        self.connect(ctx, id, Target::Tcp { host, port }, cb)
    }

    /// `disconnect(id)`: the client goes quietly (no more events, no retries).
    fn disconnect(&self, id: &str) {
        let client = self.0.of.borrow_mut().remove(id);
        if let Some(c) = client {
            c.disconnect();
        }
    }
}

fn register_connect(engine: &mut Engine) {
    engine.register_fn("serve", |ctx: NativeCallContext, i: &mut NodeIpc| i.serve(&ctx, vec![]));
    engine.register_fn("serve", |ctx: NativeCallContext, i: &mut NodeIpc, a: Dynamic| i.serve(&ctx, vec![a]));
    engine.register_fn("serve", |ctx: NativeCallContext, i: &mut NodeIpc, a: Dynamic, b: Dynamic| {
        i.serve(&ctx, vec![a, b])
    });
    engine.register_fn("serveNet", |ctx: NativeCallContext, i: &mut NodeIpc| i.serve_net(&ctx, vec![]));
    engine.register_fn("serveNet", |ctx: NativeCallContext, i: &mut NodeIpc, a: Dynamic| i.serve_net(&ctx, vec![a]));
    engine.register_fn("serveNet", |ctx: NativeCallContext, i: &mut NodeIpc, a: Dynamic, b: Dynamic| {
        i.serve_net(&ctx, vec![a, b])
    });
    engine.register_fn("serveNet", |ctx: NativeCallContext, i: &mut NodeIpc, a: Dynamic, b: Dynamic, c: Dynamic| {
        i.serve_net(&ctx, vec![a, b, c])
    });
    engine.register_fn("connectTo", |ctx: NativeCallContext, i: &mut NodeIpc, id: Dynamic| {
        i.connect_to(&ctx, &id, vec![])
    });
    engine.register_fn("connectTo", |ctx: NativeCallContext, i: &mut NodeIpc, id: Dynamic, a: Dynamic| {
        i.connect_to(&ctx, &id, vec![a])
    });
    engine.register_fn("connectTo", |ctx: NativeCallContext, i: &mut NodeIpc, id: Dynamic, a: Dynamic, b: Dynamic| {
        i.connect_to(&ctx, &id, vec![a, b])
    });
    engine.register_fn("connectToNet", |ctx: NativeCallContext, i: &mut NodeIpc, id: Dynamic| {
        i.connect_to_net(&ctx, &id, vec![])
    });
    engine.register_fn("connectToNet", |ctx: NativeCallContext, i: &mut NodeIpc, id: Dynamic, a: Dynamic| {
        i.connect_to_net(&ctx, &id, vec![a])
    });
    engine.register_fn(
        "connectToNet",
        |ctx: NativeCallContext, i: &mut NodeIpc, id: Dynamic, a: Dynamic, b: Dynamic| {
            i.connect_to_net(&ctx, &id, vec![a, b])
        },
    );
    engine.register_fn(
        "connectToNet",
        |ctx: NativeCallContext, i: &mut NodeIpc, id: Dynamic, a: Dynamic, b: Dynamic, c: Dynamic| {
            i.connect_to_net(&ctx, &id, vec![a, b, c])
        },
    );
    engine.register_fn("disconnect", |i: &mut NodeIpc, id: Dynamic| {
        if let Ok(id) = args::id(&id) {
            i.disconnect(&id);
        }
    });
}

fn register_log(engine: &mut Engine) {
    fn log(ctx: &NativeCallContext, i: &NodeIpc, args: &[Dynamic]) -> Res<()> {
        i.log().write(ctx.engine(), args).map(drop)
    }
    engine.register_fn("log", |ctx: NativeCallContext, i: &mut NodeIpc| log(&ctx, i, &[]));
    engine.register_fn("log", |ctx: NativeCallContext, i: &mut NodeIpc, a: Dynamic| log(&ctx, i, &[a]));
    engine.register_fn("log", |ctx: NativeCallContext, i: &mut NodeIpc, a: Dynamic, b: Dynamic| log(&ctx, i, &[a, b]));
    engine.register_fn("log", |ctx: NativeCallContext, i: &mut NodeIpc, a: Dynamic, b: Dynamic, c: Dynamic| {
        log(&ctx, i, &[a, b, c])
    });
    engine.register_fn(
        "log",
        |ctx: NativeCallContext, i: &mut NodeIpc, a: Dynamic, b: Dynamic, c: Dynamic, d: Dynamic| {
            log(&ctx, i, &[a, b, c, d])
        },
    );
    engine.register_fn(
        "log",
        |ctx: NativeCallContext, i: &mut NodeIpc, a: Dynamic, b: Dynamic, c: Dynamic, d: Dynamic, e: Dynamic| {
            log(&ctx, i, &[a, b, c, d, e])
        },
    );
}

/// Everything at the first `require("node-ipc")` (`api::deferred`: only the module
/// object leads to the types whose functions these are).
pub fn register(_: &mut Engine, st: &Rc<State>) {
    crate::api::deferred::defer::<NodeIpc>(st, register_now);
}

fn register_now(engine: &mut Engine, st: &Rc<State>) {
    engine.register_type_with_name::<NodeIpc>("NodeIpc");
    engine.register_type_with_name::<IpcOf>("IpcOf");
    config_api::register(engine);
    client_api::register(engine, st);
    server_api::register(engine, st);
    register_connect(engine);
    register_log(engine);
    engine.register_get("config", |i: &mut NodeIpc| i.0.config.clone());
    engine.register_get("server", |i: &mut NodeIpc| match &*i.0.server.borrow() {
        Some(s) => Dynamic::from(s.clone()),
        None => Dynamic::FALSE,
    });
    engine.register_get("of", |i: &mut NodeIpc| IpcOf(i.0.clone()));
    engine.register_fn("IPC", |i: &mut NodeIpc| NodeIpc::new(&i.0.st));
    engine.register_indexer_get(|o: &mut IpcOf, id: ImmutableString| match o.0.of.borrow().get(id.as_str()) {
        Some(c) => Dynamic::from(c.clone()),
        None => Dynamic::UNIT,
    });
    engine.register_fn("contains", |o: &mut IpcOf, id: ImmutableString| o.0.of.borrow().contains_key(id.as_str()));
    engine.register_fn("keys", |o: &mut IpcOf| -> rhai::Array {
        o.0.of.borrow().keys().map(|k| Dynamic::from(k.clone())).collect()
    });
}
