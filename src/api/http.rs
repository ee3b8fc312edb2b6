//! `require("http")`: an HTTP/1.1 server with Node's API. `http.createServer` gives a
//! `net.Server` whose `connection` listener speaks HTTP, so `listen`, `close`,
//! `address`, `ref`/`unref` and `server.emit("connection", socket)` (a socket from
//! elsewhere) all work as for `net`. Parsing and framing live in `crate::net::http`.
//!
//! ```rhai
//! let http = require("http");
//! let server = http.createServer(|req, res| {
//!     res.setHeader("Content-Type", "text/plain");
//!     res.end(`you asked for ${req.url}`);
//! });
//! server.listen(8080, || print("listening"));
//! ```
//!
//! The client side (`http.request`, `http.get`) is in `client`/`client_api`.
//!
//! Keep-alive is the HTTP/1.1 default; `Connection: close` is honoured; idle
//! connections close after `server.keepAliveTimeout` ms and when the server closes;
//! `headersTimeout`/`requestTimeout` (properties and `createServer` options) end
//! requests that arrive too slowly with a 408.

mod client;
mod client_api;
mod conn;
mod request;
mod response;

use std::cell::Cell;
use std::rc::Rc;

use rhai::{Array, Dynamic, Engine, EvalAltResult, FnPtr, Map, NativeCallContext};

use crate::api::net::{Server, as_socket};
use crate::runtime::State;
use crate::runtime::callback::Callback;
use crate::value::error;
use conn::HttpState;

type Res<T> = Result<T, Box<EvalAltResult>>;

/// What `require("http")` returns.
#[derive(Clone)]
pub struct HttpModule(Rc<State>);

pub fn module(st: &Rc<State>) -> Dynamic {
    crate::api::deferred::load::<HttpModule>(st);
    Dynamic::from(HttpModule(st.clone()))
}

/// `createServer(options?, listener?)`: a server whose `connection` listener (a
/// native one, visible in `listeners("connection")` as in Node) speaks HTTP.
fn create_server(ctx: &NativeCallContext, st: &Rc<State>, listener: Option<FnPtr>) -> Res<Server> {
    let server = Server::new(st);
    let http = Rc::new(HttpState::new());
    server.set_ext(http.clone());
    let (st2, http2, weak) = (st.clone(), http.clone(), Rc::downgrade(&server.0));
    #[allow(deprecated)]
    let on_connection = FnPtr::from_fn("connectionListener", move |_ctx, args: &mut [&mut Dynamic]| {
        let (Some(sock), Some(server)) = (args.first().and_then(|a| as_socket(a)), weak.upgrade()) else {
            return Ok(Dynamic::UNIT);
        };
        conn::attach(&st2, Server(server), http2.clone(), sock);
        Ok(Dynamic::UNIT)
    })?;
    server.emitter().add("connection".into(), Callback::new(ctx, on_connection), false, false);
    if let Some(f) = listener {
        server.emitter().add("request".into(), Callback::new(ctx, f), false, false);
    }
    let idle = http.clone();
    server.on_close(Rc::new(move || idle.close_idle()));
    Ok(server)
}

fn http_state(s: &Server) -> Res<Rc<HttpState>> {
    s.ext::<HttpState>().ok_or_else(|| {
        error::throw(error::coded("TypeError", "ERR_INVALID_THIS", "Value of \"this\" must be of type http.Server"))
    })
}

/// The server's timeout settings (ms), by their Node option/property name.
type Field = fn(&HttpState) -> &Cell<u64>;
const TIMEOUTS: [(&str, Field); 3] = [
    ("keepAliveTimeout", |h| &h.keep_alive_timeout),
    ("headersTimeout", |h| &h.headers_timeout),
    ("requestTimeout", |h| &h.request_timeout),
];

/// `createServer(options, …)`: the timeouts Node reads from its options.
fn apply_options(s: &Server, o: &Map) -> Res<()> {
    let http = http_state(s)?;
    for (name, field) in TIMEOUTS {
        if let Some(ms) = o.get(name).and_then(|v| v.as_int().ok()) {
            field(&http).set(ms.max(0) as u64);
        }
    }
    Ok(())
}

/// `server.<name>` as a read/write property in ms (negative counts as 0).
fn timeout_property(engine: &mut Engine, name: &str, field: Field) {
    engine.register_get_set(
        name,
        move |s: &mut Server| -> Res<i64> { Ok(field(&*http_state(s)?).get() as i64) },
        move |s: &mut Server, ms: i64| -> Res<()> {
            field(&*http_state(s)?).set(ms.max(0) as u64);
            Ok(())
        },
    );
}

/// The methods and properties of `net.Server` that http adds (every server has them,
/// as before) now; the rest at the first `require("http")` (`api::deferred`: only the
/// module object leads to requests, responses and client requests).
pub fn register(engine: &mut Engine, st: &Rc<State>) {
    crate::api::deferred::defer::<HttpModule>(st, register_now);
    register_server(engine);
}

fn register_now(engine: &mut Engine, st: &Rc<State>) {
    engine.register_type_with_name::<HttpModule>("HttpModule");
    request::register(engine, st);
    client_api::register(engine, st);
    response::register(engine, st);
    engine.register_fn("createServer", |ctx: NativeCallContext, m: &mut HttpModule| create_server(&ctx, &m.0, None));
    engine.register_fn("createServer", |ctx: NativeCallContext, m: &mut HttpModule, a: Dynamic| {
        if a.is_fnptr() {
            return create_server(&ctx, &m.0, a.try_cast::<FnPtr>());
        }
        // Options: the timeouts are read; the others Node knows are accepted.
        let s = create_server(&ctx, &m.0, None)?;
        if let Some(o) = a.read_lock::<Map>() {
            apply_options(&s, &o)?;
        }
        Ok(s)
    });
    engine.register_fn("createServer", |ctx: NativeCallContext, m: &mut HttpModule, o: Map, f: FnPtr| -> Res<Server> {
        let s = create_server(&ctx, &m.0, Some(f))?;
        apply_options(&s, &o)?;
        Ok(s)
    });
    engine.register_get("STATUS_CODES", |_: &mut HttpModule| -> Map {
        (100..600)
            .filter_map(|c| {
                let t = crate::net::http::response::status_text(c);
                (t != "unknown").then(|| (c.to_string().into(), Dynamic::from(t)))
            })
            .collect()
    });
    engine.register_get("METHODS", |_: &mut HttpModule| -> Array {
        crate::net::http::parse::METHODS.iter().map(|m| Dynamic::from(*m)).collect()
    });
}

fn register_server(engine: &mut Engine) {
    for (name, field) in TIMEOUTS {
        timeout_property(engine, name, field);
    }
    timeout_property(engine, "timeout", |h| &h.timeout);
    // `server.setTimeout(ms, listener?)`: sets `server.timeout`, the listener goes on
    // the server's `timeout` event.
    engine.register_fn("setTimeout", |s: &mut Server, ms: i64| -> Res<Server> {
        http_state(s)?.timeout.set(ms.max(0) as u64);
        Ok(s.clone())
    });
    engine.register_fn("setTimeout", |ctx: NativeCallContext, s: &mut Server, ms: i64, f: FnPtr| -> Res<Server> {
        http_state(s)?.timeout.set(ms.max(0) as u64);
        s.emitter().add("timeout".into(), Callback::new(&ctx, f), false, false);
        Ok(s.clone())
    });
    engine.register_fn("closeIdleConnections", |s: &mut Server| -> Res<()> {
        http_state(s)?.close_idle();
        Ok(())
    });
    engine.register_fn("closeAllConnections", |s: &mut Server| -> Res<()> {
        http_state(s)?.close_all();
        Ok(())
    });
}

/// Arms a one-shot timer of `ms` from now that runs `f` on the loop and does not keep
/// the process alive (a connection's socket does that, not its timers).
fn unref_timeout(
    st: &crate::runtime::State,
    ms: u64,
    f: impl Fn(&Engine) -> Result<Dynamic, Box<EvalAltResult>> + 'static,
) -> crate::event_loop::TimerId {
    st.timer_start_unref(ms, crate::runtime::Task::Native(Rc::new(f)))
}
