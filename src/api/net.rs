//! `require("net")`: TCP and Unix socket servers and clients, Node's API. The core
//! (syscalls, addresses, write queue) lives in `crate::net`.
//!
//! ```rhai
//! let net = require("net");
//! let server = net.createServer(|sock| {
//!     sock.on("data", |d| sock.write(`echo:${d.toString()}`));
//! });
//! server.listen(0, "127.0.0.1", || {
//!     let c = net.connect(server.address().port, "127.0.0.1");
//!     c.on("connect", || c.write("hi"));
//!     c.on("data", |d| { print(d.toString()); c.end(); server.close(); });
//! });
//! ```
//!
//! Handle passing (IPC) uses the Rust side: [`server_from_fd`], [`socket_from_fd`],
//! `Server::raw_fd`/`Socket::raw_fd`, [`as_server`]/[`as_socket`], and
//! `Server::listen_fd` for `http.Server` too (it is the same type).

mod args;
pub mod errors;
mod server;
mod server_api;
mod socket;
mod socket_api;

use std::os::fd::OwnedFd;
use std::rc::Rc;

use rhai::{Dynamic, Engine, EvalAltResult, FnPtr, Map, NativeCallContext};

pub use server::{Bind, Server};
pub(crate) use socket::error_of;
pub use socket::{Consumer, Done, Outcome, Phase, Socket};
// Shared with other socket-based bindings (node-ipc).
pub use args::port_of;
#[allow(unused_imports)]
pub use socket_api::{address_of, chunk_bytes};

use crate::runtime::State;
use crate::runtime::callback::Callback;
use crate::value::error;

type Res<T> = Result<T, Box<EvalAltResult>>;

/// What `require("net")` returns.
#[derive(Clone)]
pub struct NetModule(Rc<State>);

pub fn module(st: &Rc<State>) -> Dynamic {
    Dynamic::from(NetModule(st.clone()))
}

// The handle-passing hooks below are for the IPC channel (`child.send(msg, handle)`).

/// A `net.Server` listening on a descriptor received from elsewhere (`listening` is
/// true and it accepts). A descriptor that is not a listening socket gives a server
/// that emits `error` (EINVAL) on a tick.
pub fn server_from_fd(st: &Rc<State>, fd: OwnedFd) -> Server {
    let s = Server::new(st);
    let _ = s.listen(Ok(Bind::Fd(fd)), 0);
    s
}

/// A connected `net.Socket` over a descriptor received from elsewhere; it reads at
/// once, like an accepted socket.
pub fn socket_from_fd(st: &Rc<State>, fd: OwnedFd) -> Socket {
    Socket::from_fd(st, fd)
}

impl Server {
    /// Node's `server.listen(handle)`: starts listening on an already-listening
    /// descriptor; `listening` is emitted on a tick. `Err` if it already listens.
    #[allow(dead_code)]
    pub fn listen_fd(&self, fd: OwnedFd) -> Result<(), Map> {
        self.listen(Ok(Bind::Fd(fd)), 0)
    }
}

pub fn as_server(v: &Dynamic) -> Option<Server> {
    v.read_lock::<Server>().map(|s| s.clone())
}

pub fn as_socket(v: &Dynamic) -> Option<Socket> {
    v.read_lock::<Socket>().map(|s| s.clone())
}

#[allow(dead_code)]
pub fn is_server(v: &Dynamic) -> bool {
    v.is::<Server>() || as_server(v).is_some()
}

#[allow(dead_code)]
pub fn is_socket(v: &Dynamic) -> bool {
    v.is::<Socket>() || as_socket(v).is_some()
}

/// The IPC channel's handle codec: a server (net or http) travels as its listening
/// socket (`"net.Server"`), a socket as its connection (`"net.Socket"`), each as a
/// duplicate the channel sends and closes. The receiver gets a plain `net.Server`
/// or `net.Socket`, as in Node; `"net.Native"` becomes whichever the descriptor is.
pub fn handle_codec() -> crate::api::ipc::HandleCodec {
    fn to_fd(v: &Dynamic) -> Option<(OwnedFd, &'static str)> {
        if let Some(s) = as_server(v) {
            return s.dup_fd().map(|fd| (fd, "net.Server"));
        }
        as_socket(v)?.dup_fd().map(|fd| (fd, "net.Socket"))
    }
    fn from_fd(st: &Rc<State>, kind: &str, fd: OwnedFd) -> Option<Dynamic> {
        use std::os::fd::AsFd;
        let listening = crate::net::sys::is_listening(fd.as_fd());
        match kind {
            "net.Server" | "net.Native" if listening => Some(Dynamic::from(server_from_fd(st, fd))),
            "net.Socket" | "net.Native" if !listening => Some(Dynamic::from(socket_from_fd(st, fd))),
            _ => None,
        }
    }
    crate::api::ipc::HandleCodec { to_fd, from_fd }
}

/// `createServer(options?, listener?)`.
fn create_server(ctx: &NativeCallContext, st: &Rc<State>, opts: Option<Map>, listener: Option<FnPtr>) -> Server {
    let s = Server::new(st);
    if let Some(o) = opts {
        s.0.allow_half_open.set(o.get("allowHalfOpen").and_then(|v| v.as_bool().ok()).unwrap_or(false));
    }
    if let Some(f) = listener {
        s.emitter().add("connection".into(), Callback::new(ctx, f), false, false);
    }
    s
}

fn connect(ctx: &NativeCallContext, st: &Rc<State>, args: Vec<Dynamic>) -> Res<Socket> {
    socket_api::connect(ctx, &Socket::new(st), args)
}

/// Node's `net.isIP`: 4, 6 or 0.
fn is_ip(s: &str) -> i64 {
    match s.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(_)) => 4,
        Ok(std::net::IpAddr::V6(_)) => 6,
        Err(_) => 0,
    }
}

pub fn register(engine: &mut Engine, st: &Rc<State>) {
    engine.register_type_with_name::<NetModule>("NetModule");
    st.slots.put(handle_codec());
    server_api::register(engine, st);
    socket_api::register(engine, st);
    engine
        .register_fn("createServer", |ctx: NativeCallContext, m: &mut NetModule| create_server(&ctx, &m.0, None, None));
    engine.register_fn("createServer", |ctx: NativeCallContext, m: &mut NetModule, a: Dynamic| -> Res<Server> {
        if a.is_fnptr() {
            return Ok(create_server(&ctx, &m.0, None, a.try_cast::<FnPtr>()));
        }
        match a.try_cast::<Map>() {
            Some(o) => Ok(create_server(&ctx, &m.0, Some(o), None)),
            None => Err(error::throw(error::coded(
                "TypeError",
                "ERR_INVALID_ARG_TYPE",
                "The \"options\" argument must be of type object or a listener function",
            ))),
        }
    });
    engine.register_fn("createServer", |ctx: NativeCallContext, m: &mut NetModule, o: Map, f: FnPtr| {
        create_server(&ctx, &m.0, Some(o), Some(f))
    });
    for name in ["connect", "createConnection"] {
        engine.register_fn(name, |_: &mut NetModule| -> Res<Socket> { Err(error::throw(errors::missing_args())) });
        engine.register_fn(name, |ctx: NativeCallContext, m: &mut NetModule, a: Dynamic| connect(&ctx, &m.0, vec![a]));
        engine.register_fn(name, |ctx: NativeCallContext, m: &mut NetModule, a: Dynamic, b: Dynamic| {
            connect(&ctx, &m.0, vec![a, b])
        });
        engine.register_fn(name, |ctx: NativeCallContext, m: &mut NetModule, a: Dynamic, b: Dynamic, c: Dynamic| {
            connect(&ctx, &m.0, vec![a, b, c])
        });
    }
    engine.register_fn("Socket", |m: &mut NetModule| Socket::new(&m.0));
    // `net.Socket(#{fd: 3})`: wrap a descriptor we were given (a raw fork channel…).
    engine.register_fn("Socket", |m: &mut NetModule, opts: Map| -> Result<Socket, Box<EvalAltResult>> {
        let Some(fd) = opts.get("fd").and_then(|v| v.as_int().ok()).filter(|fd| (0..=i32::MAX as i64).contains(fd))
        else {
            return Ok(Socket::new(&m.0));
        };
        // The script hands the descriptor over, as Node's `new net.Socket({fd})` does:
        // the socket owns and closes it from here (a closed number is EBADF).
        match crate::sys::fd::take_number(fd as i32) {
            Ok(owned) => Ok(socket_from_fd(&m.0, owned)),
            Err(e) => Err(error::throw(error::syscall("open", e))),
        }
    });
    engine.register_fn("Server", |m: &mut NetModule| Server::new(&m.0));
    engine.register_fn("isIP", |_: &mut NetModule, s: Dynamic| if s.is_string() { is_ip(&s.to_string()) } else { 0 });
    engine.register_fn("isIPv4", |_: &mut NetModule, s: Dynamic| s.is_string() && is_ip(&s.to_string()) == 4);
    engine.register_fn("isIPv6", |_: &mut NetModule, s: Dynamic| s.is_string() && is_ip(&s.to_string()) == 6);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::{Launch, Runtime};

    /// The hooks IPC handle passing uses: a server over a received listening fd
    /// accepts; a socket over a received connected fd knows its peer.
    #[test]
    fn handle_passing_hooks() {
        let rt = Runtime::new(Launch { argv: vec![], exec_argv: vec![] }, crate::api::register).unwrap();
        let fd = crate::net::sys::listen_tcp("127.0.0.1:0".parse().unwrap(), 16, false).unwrap();
        let server = server_from_fd(&rt.st, fd);
        assert!(server.listening());
        let port = server.address().and_then(|a| a.port()).unwrap();
        let v = Dynamic::from(server.clone());
        assert!(is_server(&v) && !is_socket(&v));
        assert!(server.listen_fd(server.dup_fd().unwrap()).is_err(), "already listens");

        let client = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        // The pending connection makes the listening socket ready: one turn accepts it.
        while server.connections() == 0 {
            rt.run_once();
        }
        let sock = socket_from_fd(&rt.st, OwnedFd::from(client));
        assert!(is_socket(&Dynamic::from(sock.clone())));
        assert_eq!(sock.remote().and_then(|r| r.port()), Some(port));
        assert!(sock.dup_fd().is_some());
        sock.destroy(None);
        assert!(sock.dup_fd().is_none());
        server.close(None);
        assert!(!server.listening() && server.dup_fd().is_none());
    }
}
