//! The script surface of `net.Socket`.
//!
//! ```rhai
//! let c = require("net").connect(8080, "127.0.0.1", || print("connected"));
//! c.setEncoding("utf8");
//! c.on("data", |text| print(text));
//! if !c.write("hello") { c.once("drain", || print("drained")); }
//! c.end("bye");
//! print(`${c.remoteAddress}:${c.remotePort}`);
//! ```

use std::rc::Rc;

use rhai::{Blob, Dynamic, Engine, EvalAltResult, FnPtr, ImmutableString, Map, NativeCallContext};

use super::args;
use super::socket::{Done, Phase, Socket};
use crate::api::events;
use crate::api::stream_api::{self, Flow, Refable};
use crate::net::{Endpoint, sys};
use crate::runtime::State;
use crate::runtime::callback::Callback;
use crate::value::{encoding, error};

type Res<T> = Result<T, Box<EvalAltResult>>;

fn unknown_encoding(enc: &str) -> Box<EvalAltResult> {
    error::throw(error::coded("TypeError", "ERR_UNKNOWN_ENCODING", &format!("Unknown encoding: {enc}")))
}

/// Text in a Node encoding to bytes (the encodings a socket write accepts).
fn encode(text: &str, enc: &str) -> Res<Vec<u8>> {
    match encoding::normalize(enc) {
        Some("utf8") => Ok(text.as_bytes().to_vec()),
        Some("latin1") => Ok(text.chars().map(|c| c as u32 as u8).collect()),
        Some("ascii") => Ok(text.chars().map(|c| (c as u32 as u8) & 0x7f).collect()),
        Some("hex") => {
            let digits: Vec<u8> = text.bytes().collect();
            // Node stops at the first pair that is not hex.
            Ok(digits
                .chunks_exact(2)
                .map_while(|p| std::str::from_utf8(p).ok().and_then(|s| u8::from_str_radix(s, 16).ok()))
                .collect())
        }
        _ => Err(unknown_encoding(enc)),
    }
}

/// The bytes of a chunk: a BLOB as is, a string in `enc` (UTF-8 by default).
pub fn chunk_bytes(v: &Dynamic, enc: Option<&str>) -> Res<Vec<u8>> {
    if let Some(b) = v.read_lock::<Blob>() {
        return Ok(b.clone());
    }
    if v.is_string() {
        let s = v.clone().into_string().unwrap_or_default();
        return encode(&s, enc.unwrap_or("utf8"));
    }
    let msg = format!(
        "The \"chunk\" argument must be of type string or an instance of Buffer or Uint8Array. Received {}",
        crate::api::child_process::options::received(v)
    );
    Err(error::throw(error::coded("TypeError", "ERR_INVALID_ARG_TYPE", &msg)))
}

fn write(ctx: &NativeCallContext, s: &Socket, data: &Dynamic, enc: Option<&str>, cb: Option<FnPtr>) -> Res<bool> {
    let bytes = chunk_bytes(data, enc)?;
    Ok(s.write(bytes, cb.map(|f| Done::Script(Callback::new(ctx, f)))))
}

/// `end()`, `end(cb)`, `end(data)`, `end(data, cb)`, `end(data, enc, cb)`.
fn end(ctx: &NativeCallContext, s: &Socket, args: Vec<Dynamic>) -> Res<Socket> {
    let mut args = args;
    if let Some(f) = args.last().filter(|v| v.is_fnptr()).cloned().and_then(|v| v.try_cast::<FnPtr>()) {
        args.pop();
        s.0.emitter.add("finish".into(), Callback::new(ctx, f), true, false);
    }
    if let Some(data) = args.first().filter(|v| !v.is_unit()) {
        let enc = args.get(1).filter(|v| v.is_string()).map(|v| v.to_string());
        write(ctx, s, data, enc.as_deref(), None)?;
    }
    s.end();
    Ok(s.clone())
}

fn endpoint_map(ep: &Endpoint) -> Dynamic {
    match ep {
        Endpoint::Tcp(_) => {
            let mut m = Map::new();
            m.insert("address".into(), ep.host().into());
            m.insert("family".into(), ep.family().unwrap_or("").into());
            m.insert("port".into(), (ep.port().unwrap_or(0) as i64).into());
            m.into()
        }
        Endpoint::Unix(_) => ep.host().into(),
    }
}

/// `address()` of a server or socket: `#{address, family, port}`, the path, or `()`.
pub fn address_of(ep: Option<Endpoint>) -> Dynamic {
    ep.as_ref().map(endpoint_map).unwrap_or(Dynamic::UNIT)
}

/// A TCP endpoint's part, or `()` (Node's `undefined`) for Unix sockets and closed ones.
fn tcp_part(ep: Option<Endpoint>, f: impl Fn(&Endpoint) -> Dynamic) -> Dynamic {
    match ep {
        Some(ep @ Endpoint::Tcp(_)) => f(&ep),
        _ => Dynamic::UNIT,
    }
}

fn set_encoding(s: &Socket, enc: Option<&str>) -> Res<Socket> {
    match enc {
        None => s.set_encoding(Some("utf8")),
        Some(e) => s.set_encoding(Some(encoding::normalize(e).ok_or_else(|| unknown_encoding(e))?)),
    }
    Ok(s.clone())
}

/// `socket.connect(…)` on a `net.Socket()` (same arguments as `net.connect`).
pub fn connect(ctx: &NativeCallContext, s: &Socket, args: Vec<Dynamic>) -> Res<Socket> {
    if s.phase() != Phase::Pending {
        // Node allows reconnecting a closed socket; procbox sockets connect once.
        let m = error::coded("Error", "ERR_SOCKET_CONNECTING", "Socket is already connecting or connected");
        return Err(error::throw(m));
    }
    let a = args::connect_args(args).map_err(error::throw)?;
    s.0.allow_half_open.set(s.0.allow_half_open.get() || a.allow_half_open);
    if let Some(f) = a.cb {
        s.0.emitter.add("connect".into(), Callback::new(ctx, f), true, false);
    }
    match a.targets {
        Ok(t) => s.connect(t),
        Err(e) => s.destroy(Some(e)),
    }
    Ok(s.clone())
}

pub fn register(engine: &mut Engine, st: &Rc<State>) {
    engine.register_type_with_name::<Socket>("Socket");
    events::register::<Socket>(engine, st);
    engine.register_fn("write", |ctx: NativeCallContext, s: &mut Socket, d: Dynamic| write(&ctx, s, &d, None, None));
    engine.register_fn("write", |ctx: NativeCallContext, s: &mut Socket, d: Dynamic, cb: FnPtr| {
        write(&ctx, s, &d, None, Some(cb))
    });
    engine.register_fn("write", |ctx: NativeCallContext, s: &mut Socket, d: Dynamic, enc: ImmutableString| {
        write(&ctx, s, &d, Some(&enc), None)
    });
    engine.register_fn(
        "write",
        |ctx: NativeCallContext, s: &mut Socket, d: Dynamic, enc: ImmutableString, cb: FnPtr| {
            write(&ctx, s, &d, Some(&enc), Some(cb))
        },
    );
    stream_api::register_varargs(engine, "end", 0, 3, end);
    engine.register_fn("destroy", |s: &mut Socket| {
        s.destroy(None);
        s.clone()
    });
    engine.register_fn("destroy", |s: &mut Socket, err: Dynamic| {
        let err = if err.is_unit() { None } else { Some(err.try_cast::<Map>().unwrap_or_default()) };
        s.destroy(err);
        s.clone()
    });
    engine.register_fn("destroySoon", |s: &mut Socket| s.destroy_soon());
    engine.register_fn("setEncoding", |s: &mut Socket| set_encoding(s, None));
    engine.register_fn("setEncoding", |s: &mut Socket, enc: Dynamic| {
        if enc.is_unit() { set_encoding(s, None) } else { set_encoding(s, Some(&enc.to_string())) }
    });
    stream_api::register_flow::<Socket>(engine);
    stream_api::register_ref::<Socket>(engine);
    engine.register_fn("hasRef", |s: &mut Socket| s.has_ref());
    engine.register_fn("setNoDelay", |s: &mut Socket| set_opt(s, |fd| sys::set_nodelay(fd, true)));
    engine.register_fn("setNoDelay", |s: &mut Socket, on: bool| set_opt(s, |fd| sys::set_nodelay(fd, on)));
    engine.register_fn("setKeepAlive", |s: &mut Socket, on: bool| set_opt(s, |fd| sys::set_keepalive(fd, on, 0)));
    engine.register_fn("setKeepAlive", |s: &mut Socket, on: bool, ms: i64| {
        set_opt(s, |fd| sys::set_keepalive(fd, on, (ms / 1000) as i32))
    });
    engine.register_fn("address", |s: &mut Socket| address_of(s.local()));
    stream_api::register_varargs(engine, "connect", 1, 3, connect);
    register_getters(engine);
}

/// Socket options apply to TCP sockets only; on others (and closed ones) they do
/// nothing, as in Node.
fn set_opt<E>(s: &Socket, f: impl Fn(std::os::fd::BorrowedFd<'_>) -> Result<(), E>) -> Socket {
    if let Some(Endpoint::Tcp(_)) = s.local() {
        let _ = s.with_fd(f);
    }
    s.clone()
}

fn register_getters(engine: &mut Engine) {
    engine.register_get("remoteAddress", |s: &mut Socket| tcp_part(s.remote(), |e| e.host().into()));
    engine.register_get("remotePort", |s: &mut Socket| tcp_part(s.remote(), |e| (e.port().unwrap_or(0) as i64).into()));
    engine.register_get("remoteFamily", |s: &mut Socket| tcp_part(s.remote(), |e| e.family().unwrap_or("").into()));
    engine.register_get("localAddress", |s: &mut Socket| tcp_part(s.local(), |e| e.host().into()));
    engine.register_get("localPort", |s: &mut Socket| tcp_part(s.local(), |e| (e.port().unwrap_or(0) as i64).into()));
    engine.register_get("localFamily", |s: &mut Socket| tcp_part(s.local(), |e| e.family().unwrap_or("").into()));
    engine.register_get("bytesRead", |s: &mut Socket| s.bytes().0 as i64);
    engine.register_get("bytesWritten", |s: &mut Socket| s.bytes().1 as i64);
    engine.register_get("writableLength", |s: &mut Socket| s.writable_length() as i64);
    engine.register_get("destroyed", |s: &mut Socket| s.destroyed());
    engine.register_get("connecting", |s: &mut Socket| s.phase() == Phase::Connecting);
    engine.register_get("pending", |s: &mut Socket| s.phase() != Phase::Open);
    engine.register_get("readable", |s: &mut Socket| s.readable_writable().0);
    engine.register_get("writable", |s: &mut Socket| s.readable_writable().1);
    engine.register_get("readableEncoding", |s: &mut Socket| s.encoding().map(Dynamic::from).unwrap_or(Dynamic::UNIT));
    engine.register_get("allowHalfOpen", |s: &mut Socket| s.0.allow_half_open.get());
    engine.register_get("readyState", |s: &mut Socket| {
        let (r, w) = s.readable_writable();
        match s.phase() {
            Phase::Connecting => "opening",
            Phase::Open if r && w => "open",
            Phase::Open if r => "readOnly",
            Phase::Open if w => "writeOnly",
            _ => "closed",
        }
    });
}

impl Flow for Socket {
    fn pause(&self) {
        Socket::pause(self)
    }
    fn resume(&self) {
        Socket::resume(self)
    }
    fn is_paused(&self) -> bool {
        Socket::is_paused(self)
    }
}

impl Refable for Socket {
    fn set_ref(&self, on: bool) {
        Socket::set_ref(self, on)
    }
}
