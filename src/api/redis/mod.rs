//! `require("redis")`: a Redis client shaped like node-redis v4+ (v6 replies), on
//! procbox's own loop and sockets. The core (RESP, the connection state machine)
//! is `crate::redis`; this binding is [`client`] (the connection's life),
//! [`commands`] (camelCase methods), [`reply`] (reply shapes), [`pubsub`], [`multi`].
//!
//! ```rhai
//! let redis = require("redis");
//! let client = redis.createClient(#{url: "redis://127.0.0.1:6379"});
//! client.on("error", |e| print(e.message));
//! client.connect().then(|_| client.set("k", "v", #{EX: 10}))
//!     .then(|_| client.get("k"))
//!     .then(|v| { print(v); client.quit() });
//! ```

mod client;
mod commands;
mod link;
mod multi;
mod pubsub;
pub mod reply;

use std::rc::Rc;

use rhai::{Dynamic, Engine, EvalAltResult, FnPtr, Map, NativeCallContext};

pub use client::{Client, NativeReply};
use multi::Multi;
pub use reply::Shape;

use crate::redis::url::{self, Options, Target};
use crate::runtime::State;
use crate::runtime::promise::Promise;
use crate::value::error;

type Res<T> = Result<T, Box<EvalAltResult>>;

/// What `require("redis")` returns.
#[derive(Clone)]
pub struct RedisModule(Rc<State>);

pub fn module(st: &Rc<State>) -> Dynamic {
    load(st);
    Dynamic::from(RedisModule(st.clone()))
}

/// Registers the redis functions if that has not been done: at `require("redis")` and
/// [`Client::new`] (a remote pool makes clients of its own), before any value of a redis
/// type exists. They are ~1 000 functions (every command at 0–6 arguments, on clients
/// and on `multi()`), half of procbox's (`api::deferred`).
pub fn load(st: &State) {
    crate::api::deferred::load::<RedisModule>(st);
}

fn string_opt(m: &Map, k: &str) -> Option<String> {
    m.get(k).filter(|v| !v.is_unit()).map(crate::api::to_text)
}

fn type_error(msg: &str) -> Box<EvalAltResult> {
    error::throw(error::error("TypeError", msg, None))
}

/// node-redis's options: `url`, `socket: #{path} | #{host, port}`, `username`,
/// `password`, `database`, `name`, and `commandsQueueMaxLength` (the offline bound).
fn options(m: &Map) -> Res<(Options, usize)> {
    let mut o = match string_opt(m, "url") {
        Some(u) => url::parse(&u).map_err(|e| type_error(&e))?,
        None => Options::default(),
    };
    if let Some(s) = m.get("socket").and_then(|s| s.read_lock::<Map>().map(|s| s.clone())) {
        if let Some(p) = string_opt(&s, "path") {
            o.target = Target::Unix(p.into());
        } else if string_opt(&s, "host").is_some() || s.contains_key("port") {
            let host = string_opt(&s, "host").unwrap_or_else(|| "localhost".into());
            let port = s.get("port").and_then(|p| p.as_int().ok()).unwrap_or(6379);
            o.target = Target::Tcp(host, port as u16);
        }
    }
    if let Some(u) = string_opt(m, "username") {
        o.username = Some(u);
    }
    if let Some(p) = string_opt(m, "password") {
        o.password = Some(p);
    }
    if let Some(d) = m.get("database").and_then(|d| d.as_int().ok()) {
        o.database = d;
    }
    if let Some(n) = string_opt(m, "name") {
        o.name = Some(n);
    }
    let max = m
        .get("commandsQueueMaxLength")
        .and_then(|n| n.as_int().ok())
        .map(|n| n.max(0) as usize)
        .unwrap_or(client::DEFAULT_OFFLINE_QUEUE);
    Ok((o, max))
}

fn create(st: &Rc<State>, m: &Map) -> Res<Client> {
    let (o, max) = options(m)?;
    Ok(Client::new(st, o, max))
}

/// `sendCommand(["ANY", "ARGS"])`.
fn send_command(c: &Client, v: &Dynamic) -> Res<Promise> {
    let mut args = Vec::new();
    commands::flatten(v, &mut args)?;
    if args.is_empty() {
        return Err(type_error("sendCommand needs a command"));
    }
    Ok(c.command(args, Shape::Raw))
}

/// Registers `name` with 0 to 6 arguments on the client (a promise) and on
/// `multi()` (the builder, for chaining).
fn register_method(engine: &mut Engine, name: &'static str) {
    macro_rules! arities {
        ($($a:ident),*) => {
            engine.register_fn(name, move |c: &mut Client, $($a: Dynamic),*| -> Res<Promise> {
                let (args, shape) = commands::build(name, &[$($a),*])?;
                Ok(c.command(args, shape))
            });
            engine.register_fn(name, move |m: &mut Multi, $($a: Dynamic),*| -> Res<Multi> {
                let (args, shape) = commands::build(name, &[$($a),*])?;
                Ok(m.add(args, shape))
            });
        };
    }
    arities!();
    arities!(a);
    arities!(a, b);
    arities!(a, b, c);
    arities!(a, b, c, d);
    arities!(a, b, c, d, e);
    arities!(a, b, c, d, e, f);
}

/// Everything at the first [`load`].
pub fn register(_: &mut Engine, st: &Rc<State>) {
    crate::api::deferred::defer::<RedisModule>(st, register_now);
}

fn register_now(engine: &mut Engine, st: &Rc<State>) {
    engine.register_type_with_name::<RedisModule>("RedisModule");
    engine.register_type_with_name::<Client>("RedisClient");
    engine.register_type_with_name::<Multi>("RedisMulti");
    crate::api::events::register::<Client>(engine, st);
    engine.register_fn("createClient", |m: &mut RedisModule| create(&m.0, &Map::new()));
    engine.register_fn("createClient", |m: &mut RedisModule, o: Map| create(&m.0, &o));
    engine.register_fn("connect", |c: &mut Client| c.connect());
    engine.register_fn("quit", |c: &mut Client| c.quit());
    engine.register_fn("close", |c: &mut Client| c.quit());
    engine.register_fn("disconnect", |c: &mut Client| c.disconnect());
    engine.register_fn("destroy", |c: &mut Client| c.disconnect());
    engine.register_fn("unref", |c: &mut Client| c.set_ref(false));
    engine.register_fn("ref", |c: &mut Client| c.set_ref(true));
    engine.register_get("isReady", |c: &mut Client| c.is_ready());
    engine.register_get("isOpen", |c: &mut Client| c.is_open());
    engine.register_fn("duplicate", |c: &mut Client| Client::new(&c.0.st, c.0.opts.clone(), c.0.max_offline));
    engine.register_fn("sendCommand", |c: &mut Client, v: Dynamic| send_command(c, &v));
    engine.register_fn("multi", |c: &mut Client| Multi::new(c.clone()));
    engine.register_fn("exec", |m: &mut Multi| m.exec());
    engine.register_fn("addCommand", |m: &mut Multi, v: Dynamic| -> Res<Multi> {
        let mut args = Vec::new();
        commands::flatten(&v, &mut args)?;
        Ok(m.add(args, Shape::Raw))
    });
    for (name, pattern) in [("subscribe", false), ("pSubscribe", true)] {
        engine.register_fn(name, move |ctx: NativeCallContext, c: &mut Client, v: Dynamic| {
            pubsub::subscribe(&ctx, c, pattern, &v, None)
        });
        engine.register_fn(name, move |ctx: NativeCallContext, c: &mut Client, v: Dynamic, f: FnPtr| {
            pubsub::subscribe(&ctx, c, pattern, &v, Some(f))
        });
    }
    for (name, pattern) in [("unsubscribe", false), ("pUnsubscribe", true)] {
        engine.register_fn(name, move |c: &mut Client| pubsub::unsubscribe(c, pattern, None, None));
        engine.register_fn(name, move |c: &mut Client, v: Dynamic| pubsub::unsubscribe(c, pattern, Some(&v), None));
        engine.register_fn(name, move |c: &mut Client, v: Dynamic, f: FnPtr| {
            pubsub::unsubscribe(c, pattern, Some(&v), Some(f))
        });
    }
    for name in commands::names() {
        register_method(engine, name);
    }
}
