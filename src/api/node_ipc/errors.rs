//! The error maps node-ipc objects give scripts: Node's shapes for socket errors
//! (`connect ECONNREFUSED 127.0.0.1:8000` with `code`, `errno`, `syscall`, `address`,
//! `port`), and `ERR_IPC_…` codes (those of node-ipc 14) for protocol errors.

use rhai::{Dynamic, EvalAltResult, Map};

use crate::net::Endpoint;
use crate::nodeipc::codec::FrameError;
use crate::sys::errno::Errno;
use crate::value::error;

fn set_message(m: &mut Map, message: &str) {
    m.insert("message".into(), message.into());
    m.insert("stack".into(), format!("Error: {message}").into());
}

fn add_address(m: &mut Map, at: &Endpoint) {
    m.insert("address".into(), at.host().into());
    if let Some(p) = at.port() {
        m.insert("port".into(), (p as i64).into());
    }
}

/// A failed connect, worded as Node's: `connect ECONNREFUSED 127.0.0.1:8000`.
pub fn connect(errno: Errno, to: &Endpoint) -> Map {
    let mut m = error::syscall("connect", errno);
    set_message(&mut m, &format!("connect {} {}", error::errno_name(errno), to.describe()));
    add_address(&mut m, to);
    m
}

/// A failed listen: `listen EADDRINUSE /tmp/app.world`.
pub fn listen(errno: Errno, at: &Endpoint) -> Map {
    let mut m = error::syscall("listen", errno);
    set_message(&mut m, &format!("listen {} {}", error::errno_name(errno), at.describe()));
    add_address(&mut m, at);
    m
}

/// A host name that does not resolve.
pub fn not_found(host: &str) -> Map {
    let mut m = error::coded("Error", "ENOTFOUND", &format!("getaddrinfo ENOTFOUND {host}"));
    m.insert("syscall".into(), "getaddrinfo".into());
    m.insert("hostname".into(), host.into());
    m
}

/// A refused incoming frame; `response` holds its start, as node-ipc's error does.
pub fn frame(e: &FrameError) -> Map {
    let mut m = error::coded("Error", e.code, &e.message);
    m.insert("response".into(), e.excerpt.clone().into());
    m
}

/// An emit with no connection to carry it.
pub fn not_connected(what: &str) -> Map {
    error::coded("Error", "ERR_IPC_NOT_CONNECTED", &format!("{what} is not connected: the message was not sent"))
}

pub fn too_large(len: usize, max: usize) -> Box<EvalAltResult> {
    error::throw(error::coded(
        "RangeError",
        "ERR_IPC_FRAME_TOO_LARGE",
        &format!("the frame is {len} bytes, above config.maxFrameSize ({max})"),
    ))
}

pub fn reserved(kind: &str) -> Box<EvalAltResult> {
    error::throw(error::coded(
        "Error",
        "ERR_IPC_RESERVED_EVENT",
        &format!("\"{kind}\" is a reserved node-ipc event and cannot be sent"),
    ))
}

pub fn arg_type(name: &str, expected: &str, got: &Dynamic) -> Box<EvalAltResult> {
    let got = if got.is_unit() { "()".to_string() } else { format!("type {}", got.type_name()) };
    error::throw(error::coded(
        "TypeError",
        "ERR_INVALID_ARG_TYPE",
        &format!("The \"{name}\" argument must be {expected}. Received {got}"),
    ))
}

pub fn arg_value(name: &str, why: &str) -> Box<EvalAltResult> {
    error::throw(error::coded("TypeError", "ERR_INVALID_ARG_VALUE", &format!("The \"{name}\" {why}")))
}
