//! `http.request(url | options, cb?)` and `http.get(…)`, and the `ClientRequest`
//! methods: `write`, `end`, `setHeader`/`getHeader`/`removeHeader`/`hasHeader`,
//! `setTimeout`, `destroy`, `abort`.
//!
//! ```rhai
//! let http = require("http");
//! http.get("http://127.0.0.1:8080/status", |res| {
//!     res.setEncoding("utf8");
//!     let body = "";
//!     res.on("data", |chunk| body += chunk);
//!     res.on("end", || print(`${res.statusCode}: ${body}`));
//! }).on("error", |e| print(e.message));   // connect ECONNREFUSED 127.0.0.1:8080
//! ```

use std::rc::Rc;

use rhai::{Array, Dynamic, Engine, EvalAltResult, FnPtr, Map, NativeCallContext};

use super::HttpModule;
use super::client::ClientRequest;
use crate::api::events::{self, EventTarget};
use crate::api::net::{chunk_bytes, errors};
use crate::api::util::{invalid_arg, received};
use crate::net::Endpoint;
use crate::net::http::client::parse_url;
use crate::net::http::headers::{is_token, is_valid_value};
use crate::runtime::callback::Callback;
use crate::runtime::{State, Task};
use crate::value::error;

type Res<T> = Result<T, Box<EvalAltResult>>;

fn text(v: Option<&Dynamic>) -> Option<String> {
    v.filter(|v| !v.is_unit()).map(crate::api::to_text)
}

/// Options from a URL string, then an options map over it.
fn options(args: &[Dynamic]) -> Res<Map> {
    let mut opts = Map::new();
    for a in args {
        if a.is_string() {
            let url = a.to_string();
            let u = parse_url(&url).map_err(|proto| {
                if proto.is_empty() {
                    error::throw(error::coded("TypeError", "ERR_INVALID_URL", "Invalid URL"))
                } else {
                    let msg = format!("Protocol \"{proto}\" not supported. Expected \"http:\"");
                    error::throw(error::coded("TypeError", "ERR_INVALID_PROTOCOL", &msg))
                }
            })?;
            opts.insert("hostname".into(), u.host.into());
            if let Some(p) = u.port {
                opts.insert("port".into(), (p as i64).into());
            }
            opts.insert("path".into(), u.path.into());
            if let Some(a) = u.auth {
                opts.insert("auth".into(), a.into());
            }
        } else if let Some(m) = a.read_lock::<Map>() {
            opts.extend(m.iter().map(|(k, v)| (k.clone(), v.clone())));
        } else {
            return Err(invalid_arg("url", "string or an instance of URL", a));
        }
    }
    if let Some(p) = text(opts.get("protocol")).filter(|p| p != "http:") {
        let msg = format!("Protocol \"{p}\" not supported. Expected \"http:\"");
        return Err(error::throw(error::coded("TypeError", "ERR_INVALID_PROTOCOL", &msg)));
    }
    Ok(opts)
}

fn header_list(v: Option<&Dynamic>) -> Res<Vec<(String, String)>> {
    let mut out = Vec::new();
    let Some(m) = v.and_then(|v| v.read_lock::<Map>().map(|m| m.clone())) else { return Ok(out) };
    for (name, value) in m {
        match value.read_lock::<Array>() {
            Some(a) => out.extend(a.iter().map(|x| (name.to_string(), crate::api::to_text(x)))),
            None => out.push((name.to_string(), crate::api::to_text(&value))),
        }
    }
    for (n, v) in &out {
        check_header(n, v)?;
    }
    Ok(out)
}

fn check_header(name: &str, value: &str) -> Res<()> {
    if !is_token(name) {
        let msg = format!("Header name must be a valid HTTP token [\"{name}\"]");
        return Err(error::throw(error::coded("TypeError", "ERR_INVALID_HTTP_TOKEN", &msg)));
    }
    if !is_valid_value(value) {
        let msg = format!("Invalid character in header content [\"{name}\"]");
        return Err(error::throw(error::coded("TypeError", "ERR_INVALID_CHAR", &msg)));
    }
    Ok(())
}

/// `http.request(url?, options?, cb?)`.
fn request(ctx: &NativeCallContext, st: &Rc<State>, mut args: Vec<Dynamic>) -> Res<ClientRequest> {
    let cb = match args.last() {
        Some(f) if f.is_fnptr() => args.pop().and_then(|f| f.try_cast::<FnPtr>()),
        _ => None,
    };
    let opts = options(&args)?;
    let method = text(opts.get("method")).unwrap_or_else(|| "GET".into()).to_ascii_uppercase();
    if !is_token(&method) {
        let msg = format!("Method must be a valid HTTP token [\"{method}\"]");
        return Err(error::throw(error::coded("TypeError", "ERR_INVALID_HTTP_TOKEN", &msg)));
    }
    let path = text(opts.get("path")).unwrap_or_else(|| "/".into());
    if path.contains(|c: char| c <= ' ') {
        let msg = "Request path contains unescaped characters";
        return Err(error::throw(error::coded("TypeError", "ERR_UNESCAPED_CHARACTERS", msg)));
    }
    let host = text(opts.get("hostname"))
        .or_else(|| text(opts.get("host")))
        .unwrap_or_else(|| "localhost".into())
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let port = match opts.get("port").filter(|p| !p.is_unit()) {
        Some(p) => crate::api::net::port_of(p, "options.port").map_err(error::throw)?,
        None => 80,
    };
    let shown = if host.contains(':') { format!("[{host}]") } else { host.clone() };
    let host_header = if port == 80 { shown } else { format!("{shown}:{port}") };
    let mut headers = header_list(opts.get("headers"))?;
    // Node's constructor adds these after the script's headers, in this order.
    if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
        headers.push(("Host".into(), host_header.clone()));
    }
    // `auth: "user:password"`: Basic authorization, unless the script set the header.
    if let Some(auth) = text(opts.get("auth"))
        && !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("authorization"))
    {
        let token = crate::value::encoding::decode(auth.as_bytes(), "base64");
        headers.push(("Authorization".into(), format!("Basic {token}")));
    }
    let req = ClientRequest::new(st, method, path, host_header, headers);

    // The socket's `close` ends the request (error, response end or abort, `close`).
    let weak = Rc::downgrade(&req.0);
    #[allow(deprecated)]
    let on_close = FnPtr::from_fn("clientSocketClose", move |ctx, _| match weak.upgrade() {
        Some(r) => ClientRequest(r).on_socket_close(ctx.engine()).map(|_| Dynamic::UNIT),
        None => Ok(Dynamic::UNIT),
    })?;
    req.0.sock.emitter().add("close".into(), Callback::new(ctx, on_close), true, false);
    if let Some(f) = cb {
        req.emitter().add("response".into(), Callback::new(ctx, f), true, false);
    }
    if let Some(ms) = opts.get("timeout").and_then(|t| t.as_int().ok()) {
        req.set_timeout(ms.max(0) as u64);
    }

    match text(opts.get("socketPath")) {
        Some(p) => crate::api::permission::path(crate::perm::Perm::Write, &p)?,
        None => crate::api::permission::net(&host, port)?,
    }
    let targets = match text(opts.get("socketPath")) {
        Some(p) => Ok(vec![Endpoint::Unix(p.into())]),
        None => crate::net::addr::resolve(&host, port)
            .map(|v| v.into_iter().map(Endpoint::Tcp).collect())
            .map_err(|()| errors::not_found(&host)),
    };
    match targets {
        Ok(t) => req.0.sock.connect(t),
        Err(e) => req.destroy(Some(e)),
    }
    let (me, sock) = (req.clone(), req.0.sock.clone());
    st.next_tick(Task::Native(Rc::new(move |engine: &Engine| {
        me.emitter().emit(engine, "socket", &[Dynamic::from(sock.clone())]).map(|_| Dynamic::UNIT)
    })));
    Ok(req)
}

fn body_of(v: &Dynamic) -> Res<Vec<u8>> {
    if v.is_unit() { Ok(Vec::new()) } else { chunk_bytes(v, None) }
}

fn headers_sent() -> Box<EvalAltResult> {
    let msg = "Cannot set headers after they are sent to the client";
    error::throw(error::coded("Error", "ERR_HTTP_HEADERS_SENT", msg))
}

fn write_after_end(req: &ClientRequest) -> Res<bool> {
    let e = error::coded("Error", "ERR_STREAM_WRITE_AFTER_END", "write after end");
    let me = req.clone();
    req.0.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| {
        me.emitter().emit(engine, "error", &[e.clone().into()]).map(|_| Dynamic::UNIT)
    })));
    Ok(false)
}

fn end(ctx: &NativeCallContext, r: &ClientRequest, data: &Dynamic, cb: Option<FnPtr>) -> Res<ClientRequest> {
    let bytes = body_of(data)?;
    if let Some(f) = cb {
        r.emitter().add("finish".into(), Callback::new(ctx, f), true, false);
    }
    r.end(bytes);
    Ok(r.clone())
}

macro_rules! request_fns {
    ($engine:expr, $name:literal, $get:expr) => {{
        $engine.register_fn($name, |ctx: NativeCallContext, m: &mut HttpModule, a: Dynamic| {
            let r = request(&ctx, &m.0, vec![a])?;
            if $get {
                r.end(Vec::new());
            }
            Ok::<_, Box<EvalAltResult>>(r)
        });
        $engine.register_fn($name, |ctx: NativeCallContext, m: &mut HttpModule, a: Dynamic, b: Dynamic| {
            let r = request(&ctx, &m.0, vec![a, b])?;
            if $get {
                r.end(Vec::new());
            }
            Ok::<_, Box<EvalAltResult>>(r)
        });
        $engine.register_fn($name, |ctx: NativeCallContext, m: &mut HttpModule, a: Dynamic, b: Dynamic, c: Dynamic| {
            let r = request(&ctx, &m.0, vec![a, b, c])?;
            if $get {
                r.end(Vec::new());
            }
            Ok::<_, Box<EvalAltResult>>(r)
        });
    }};
}

pub fn register(engine: &mut Engine, st: &Rc<State>) {
    engine.register_type_with_name::<ClientRequest>("ClientRequest");
    events::register::<ClientRequest>(engine, st);
    request_fns!(engine, "request", false);
    request_fns!(engine, "get", true);
    engine.register_fn("write", |r: &mut ClientRequest, data: Dynamic| -> Res<bool> {
        if r.0.ended.get() {
            return write_after_end(r);
        }
        Ok(r.write(chunk_bytes(&data, None)?))
    });
    engine.register_fn("write", |ctx: NativeCallContext, r: &mut ClientRequest, data: Dynamic, cb: FnPtr| {
        if r.0.ended.get() {
            return write_after_end(r);
        }
        let ok = r.write(chunk_bytes(&data, None)?);
        r.0.st.next_tick(Task::Call(Callback::new(&ctx, cb), vec![]));
        Ok(ok)
    });
    engine.register_fn("end", |ctx: NativeCallContext, r: &mut ClientRequest| end(&ctx, r, &().into(), None));
    engine.register_fn("end", |ctx: NativeCallContext, r: &mut ClientRequest, a: Dynamic| {
        match a.clone().try_cast::<FnPtr>() {
            Some(f) => end(&ctx, r, &().into(), Some(f)),
            None => end(&ctx, r, &a, None),
        }
    });
    engine.register_fn("end", |ctx: NativeCallContext, r: &mut ClientRequest, a: Dynamic, f: FnPtr| {
        end(&ctx, r, &a, Some(f))
    });
    engine.register_fn("setHeader", |r: &mut ClientRequest, name: Dynamic, value: Dynamic| -> Res<ClientRequest> {
        if r.0.head_sent.get() {
            return Err(headers_sent());
        }
        let name = name.to_string();
        let values: Vec<String> = match value.read_lock::<Array>() {
            Some(a) => a.iter().map(crate::api::to_text).collect(),
            None if value.is_unit() => {
                let msg = format!("Invalid value \"undefined\" for header \"{name}\"");
                return Err(error::throw(error::coded("TypeError", "ERR_HTTP_INVALID_HEADER_VALUE", &msg)));
            }
            None => vec![crate::api::to_text(&value)],
        };
        for v in &values {
            check_header(&name, v)?;
        }
        let mut h = r.0.headers.borrow_mut();
        h.retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
        h.extend(values.into_iter().map(|v| (name.clone(), v)));
        Ok(r.clone())
    });
    engine.register_fn("getHeader", |r: &mut ClientRequest, name: Dynamic| -> Dynamic {
        let name = name.to_string();
        let h = r.0.headers.borrow();
        let found: Vec<Dynamic> =
            h.iter().filter(|(n, _)| n.eq_ignore_ascii_case(&name)).map(|(_, v)| v.clone().into()).collect();
        match found.len() {
            0 => Dynamic::UNIT,
            1 => found.into_iter().next().unwrap_or_default(),
            _ => found.into(),
        }
    });
    engine.register_fn("hasHeader", |r: &mut ClientRequest, name: Dynamic| r.has_header(&name.to_string()));
    engine.register_fn("removeHeader", |r: &mut ClientRequest, name: Dynamic| -> Res<()> {
        if r.0.head_sent.get() {
            return Err(headers_sent());
        }
        r.0.headers.borrow_mut().retain(|(n, _)| !n.eq_ignore_ascii_case(&name.to_string()));
        Ok(())
    });
    engine.register_fn("setTimeout", |r: &mut ClientRequest, ms: Dynamic| -> Res<ClientRequest> {
        r.set_timeout(timeout_ms(&ms)?);
        Ok(r.clone())
    });
    engine.register_fn("setTimeout", |ctx: NativeCallContext, r: &mut ClientRequest, ms: Dynamic, f: FnPtr| {
        r.set_timeout(timeout_ms(&ms)?);
        r.emitter().add("timeout".into(), Callback::new(&ctx, f), true, false);
        Ok::<_, Box<EvalAltResult>>(r.clone())
    });
    engine.register_fn("destroy", |r: &mut ClientRequest| {
        r.destroy(None);
        r.clone()
    });
    engine.register_fn("destroy", |r: &mut ClientRequest, e: Dynamic| {
        r.destroy(e.read_lock::<Map>().map(|m| m.clone()));
        r.clone()
    });
    engine.register_fn("abort", |r: &mut ClientRequest| r.abort());
    engine.register_get("method", |r: &mut ClientRequest| r.0.method.clone());
    engine.register_get("path", |r: &mut ClientRequest| r.0.path.clone());
    engine.register_get("host", |r: &mut ClientRequest| r.0.host.clone());
    engine.register_get("protocol", |_: &mut ClientRequest| "http:");
    engine.register_get("headersSent", |r: &mut ClientRequest| r.0.head_sent.get());
    engine.register_get("destroyed", |r: &mut ClientRequest| r.0.destroyed.get());
    engine.register_get("writableEnded", |r: &mut ClientRequest| r.0.ended.get());
    engine.register_get("writableFinished", |r: &mut ClientRequest| r.0.finished.get());
    engine.register_get("socket", |r: &mut ClientRequest| r.0.sock.clone());
}

fn timeout_ms(v: &Dynamic) -> Res<u64> {
    match v.as_int().ok().or_else(|| v.as_float().ok().map(|f| f as i64)) {
        Some(n) if n >= 0 => Ok(n as u64),
        _ => {
            let msg = format!("The \"msecs\" argument must be of type number. {}", received(v));
            Err(error::throw(error::coded("TypeError", "ERR_INVALID_ARG_TYPE", &msg)))
        }
    }
}
