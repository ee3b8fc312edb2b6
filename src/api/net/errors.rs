//! The error maps `net` gives scripts, shaped and worded as Node's:
//! `connect ECONNREFUSED 127.0.0.1:1`, `listen EADDRINUSE: address already in use
//! :::8080`, `ERR_SOCKET_BAD_PORT`, … with `code`, `errno`, `syscall`, `address`,
//! `port` where Node has them.
//!
//! No system call here (they are [`crate::sys`]'s): the errors arrive as its `Errno`.

use rhai::{Dynamic, Map};

use crate::net::Endpoint;
use crate::sys::errno::Errno;
use crate::value::error;

fn set_message(m: &mut Map, name: &str, message: &str) {
    m.insert("message".into(), message.into());
    m.insert("stack".into(), format!("{name}: {message}").into());
}

fn add_address(m: &mut Map, at: &Endpoint, port_for_unix: Option<i64>) {
    m.insert("address".into(), at.host().into());
    match (at.port(), port_for_unix) {
        (Some(p), _) => {
            m.insert("port".into(), (p as i64).into());
        }
        (None, Some(p)) => {
            m.insert("port".into(), p.into());
        }
        (None, None) => {}
    }
}

/// A failed connect: `connect ECONNREFUSED 127.0.0.1:1` (Node's `exceptionWithHostPort`).
pub fn connect(errno: Errno, to: &Endpoint) -> Map {
    let mut m = error::syscall("connect", errno);
    let code = error::errno_name(errno);
    set_message(&mut m, "Error", &format!("connect {code} {}", to.describe()));
    add_address(&mut m, to, None);
    m
}

/// A failed listen: `listen EADDRINUSE: address already in use :::8080` (Node's
/// `uvExceptionWithHostPort`; for a Unix path Node reports `port: -1`).
pub fn listen(syscall: &str, errno: Errno, at: &Endpoint) -> Map {
    let mut m = error::syscall(syscall, errno);
    let code = error::errno_name(errno);
    set_message(
        &mut m,
        "Error",
        &format!("{syscall} {code}: {} {}", crate::sys::errno::message(errno as i32), at.describe()),
    );
    add_address(&mut m, at, Some(-1));
    m
}

/// An accept or listen-on-handle failure without an address.
pub fn plain(syscall: &str, errno: Errno) -> Map {
    error::syscall(syscall, errno)
}

/// A name that does not resolve: `getaddrinfo ENOTFOUND host`.
pub fn not_found(host: &str) -> Map {
    let mut m = error::coded("Error", "ENOTFOUND", &format!("getaddrinfo ENOTFOUND {host}"));
    m.insert("errno".into(), (-3008_i64).into());
    m.insert("syscall".into(), "getaddrinfo".into());
    m.insert("hostname".into(), host.into());
    m
}

/// Node's `ERR_SOCKET_BAD_PORT` (`prefix` is `options.port` for listen, `Port` for
/// connect).
pub fn bad_port(prefix: &str, v: &Dynamic) -> Map {
    let shown = if v.is_string() {
        format!("type string ('{v}')")
    } else if v.is_unit() {
        "undefined".into()
    } else if v.is_int() || v.is_float() {
        format!("type number ({})", crate::api::to_text(v))
    } else {
        format!("type {}", v.type_name())
    };
    let msg = format!("{prefix} should be >= 0 and < 65536. Received {shown}.");
    error::coded("RangeError", "ERR_SOCKET_BAD_PORT", &msg)
}

pub fn missing_args() -> Map {
    error::coded("TypeError", "ERR_MISSING_ARGS", "The \"options\" or \"port\" or \"path\" argument must be specified")
}

pub fn already_listening() -> Map {
    error::coded("Error", "ERR_SERVER_ALREADY_LISTEN", "Listen method has been called more than once without closing.")
}

pub fn not_running() -> Map {
    error::coded("Error", "ERR_SERVER_NOT_RUNNING", "Server is not running.")
}

pub fn invalid_arg(name: &str, expected: &str, v: &Dynamic) -> Map {
    let msg = format!("The \"{name}\" argument must be {expected}. Received type {}", v.type_name());
    error::coded("TypeError", "ERR_INVALID_ARG_TYPE", &msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_wording() {
        let at = Endpoint::Tcp("127.0.0.1:1".parse().unwrap());
        let m = connect(Errno::ECONNREFUSED, &at);
        assert_eq!(m["message"].to_string(), "connect ECONNREFUSED 127.0.0.1:1");
        assert_eq!(m["errno"].as_int().unwrap(), -111);
        assert_eq!(m["port"].as_int().unwrap(), 1);
        let m = listen("listen", Errno::EADDRINUSE, &Endpoint::Tcp("[::]:8080".parse().unwrap()));
        assert_eq!(m["message"].to_string(), "listen EADDRINUSE: address already in use :::8080");
        let m = listen("listen", Errno::EADDRINUSE, &Endpoint::Unix("/tmp/u.sock".into()));
        assert_eq!(m["port"].as_int().unwrap(), -1);
        let m = bad_port("options.port", &Dynamic::from(70000_i64));
        assert_eq!(m["message"].to_string(), "options.port should be >= 0 and < 65536. Received type number (70000).");
    }
}
