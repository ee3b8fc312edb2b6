//! Node's argument shapes for `listen(…)` and `connect(…)` (its `normalizeArgs`):
//! `(port, host?, backlog?, cb?)`, `(path, cb?)`, `(options, cb?)`, `(handle, cb?)`.
//! A string that is not a number is a Unix socket path. Bad ports throw; a host that
//! does not resolve is reported later as an `error` event, as Node's lookup is.

use rhai::{Dynamic, FnPtr, Map};

use super::errors;
use super::server::{Bind, Server, unix_mode};
use crate::net::{Endpoint, addr, sys};
use crate::sys::errno::Errno;
use crate::value::equality::truthy;

type Res<T> = Result<T, Map>;

/// Splits off a trailing callback.
fn take_cb(mut args: Vec<Dynamic>) -> (Vec<Dynamic>, Option<FnPtr>) {
    let cb = match args.last() {
        Some(v) if v.is_fnptr() => args.pop().and_then(|v| v.try_cast::<FnPtr>()),
        _ => None,
    };
    (args, cb)
}

/// Node's `isPipeName`: a string that is not a number.
fn is_path(v: &Dynamic) -> bool {
    v.is_string() && v.clone().into_string().is_ok_and(|s| s.trim().parse::<f64>().is_err())
}

/// A port: an integer (or integral number, or numeric string) in `0..65536`.
pub fn port_of(v: &Dynamic, prefix: &str) -> Res<u16> {
    let n = if let Ok(i) = v.as_int() {
        Some(i as f64)
    } else if let Ok(f) = v.as_float() {
        Some(f)
    } else if v.is_string() {
        v.clone().into_string().ok().and_then(|s| s.trim().parse::<f64>().ok())
    } else {
        None
    };
    match n {
        Some(n) if n.fract() == 0.0 && (0.0..65536.0).contains(&n) => Ok(n as u16),
        _ => Err(errors::bad_port(prefix, v)),
    }
}

fn int_of(v: Option<&Dynamic>) -> Option<i64> {
    v.and_then(|v| v.as_int().ok())
}

pub struct ListenArgs {
    /// Where to bind, or the error to report as an `error` event.
    pub bind: Result<Bind, Map>,
    /// A host was given: Node binds after looking it up, not at once.
    pub lookup: bool,
    pub backlog: i32,
    pub cb: Option<FnPtr>,
}

fn tcp_bind(host: Option<&str>, port: u16, ipv6_only: bool) -> Result<Bind, Map> {
    match host {
        None => Ok(Bind::AnyHost { port }),
        Some(h) => match addr::resolve(h, port) {
            Ok(addrs) => Ok(Bind::Tcp { at: addrs[0], ipv6_only }),
            Err(()) => Err(errors::not_found(h)),
        },
    }
}

fn string_of(v: Option<&Dynamic>) -> Option<String> {
    v.filter(|v| v.is_string()).and_then(|v| v.clone().into_string().ok())
}

pub fn listen_args(args: Vec<Dynamic>) -> Res<ListenArgs> {
    let (args, cb) = take_cb(args);
    let backlog_at = |i: usize| int_of(args.get(i)).map(|b| b as i32).unwrap_or(sys::BACKLOG);
    let Some(first) = args.first() else {
        return Ok(ListenArgs { bind: Ok(Bind::AnyHost { port: 0 }), lookup: false, backlog: sys::BACKLOG, cb });
    };
    if let Some(server) = first.read_lock::<Server>().map(|s| s.clone()) {
        let bind = match server.dup_fd() {
            Some(fd) => Ok(Bind::Fd(fd)),
            None => Err(errors::plain("listen", Errno::EINVAL)),
        };
        return Ok(ListenArgs { bind, lookup: false, backlog: backlog_at(1), cb });
    }
    if let Some(opts) = first.read_lock::<Map>().map(|m| m.clone()) {
        let backlog = int_of(opts.get("backlog")).map(|b| b as i32).unwrap_or(sys::BACKLOG);
        let lookup = !opts.contains_key("fd") && !opts.contains_key("path") && string_of(opts.get("host")).is_some();
        let bind = if let Some(fd) = int_of(opts.get("fd")) {
            if fd < 0 || fd > i32::MAX as i64 {
                return Err(errors::invalid_arg("fd", "a non-negative integer", &Dynamic::from(fd)));
            }
            // A duplicate, not the descriptor itself: a wrong number must not let the
            // server close a descriptor the runtime owns (Node takes the fd over).
            match sys::dup_number(fd as i32) {
                Ok(fd) if sys::is_listening(std::os::fd::AsFd::as_fd(&fd)) => Ok(Bind::Fd(fd)),
                // Not a listening socket (or not open: Node says EINVAL for both).
                Ok(_) | Err(_) => Err(errors::plain("listen", Errno::EINVAL)),
            }
        } else if let Some(path) = string_of(opts.get("path")) {
            let all = |k: &str| opts.get(k).is_some_and(truthy);
            Ok(Bind::Unix(path.into(), unix_mode(all("readableAll"), all("writableAll"))))
        } else {
            let port = match opts.get("port") {
                None => 0,
                Some(v) if v.is_unit() => 0,
                Some(v) => port_of(v, "options.port")?,
            };
            let ipv6_only = opts.get("ipv6Only").and_then(|v| v.as_bool().ok()).unwrap_or(false);
            tcp_bind(string_of(opts.get("host")).as_deref(), port, ipv6_only)
        };
        return Ok(ListenArgs { bind, lookup, backlog, cb });
    }
    if is_path(first) {
        let path = first.clone().into_string().unwrap_or_default();
        return Ok(ListenArgs {
            bind: Ok(Bind::Unix(path.into(), unix_mode(false, false))),
            lookup: false,
            backlog: backlog_at(1),
            cb,
        });
    }
    let port = if first.is_unit() { 0 } else { port_of(first, "options.port")? };
    let host = string_of(args.get(1));
    let backlog = backlog_at(if host.is_some() { 2 } else { 1 });
    Ok(ListenArgs { bind: tcp_bind(host.as_deref(), port, false), lookup: host.is_some(), backlog, cb })
}

pub struct ConnectArgs {
    /// Addresses to try in order, or the error to report as an `error` event.
    pub targets: Result<Vec<Endpoint>, Map>,
    pub cb: Option<FnPtr>,
    pub allow_half_open: bool,
}

pub fn connect_args(args: Vec<Dynamic>) -> Res<ConnectArgs> {
    let (args, cb) = take_cb(args);
    let Some(first) = args.first() else { return Err(errors::missing_args()) };
    // `--allow-net` is checked on the host as named, before it is looked up.
    let tcp = |host: Option<String>, port: u16| -> Res<Result<Vec<Endpoint>, Map>> {
        let host = host.unwrap_or_else(|| "localhost".into());
        crate::api::permission::net_map(&host, port)?;
        Ok(addr::resolve(&host, port)
            .map(|v| v.into_iter().map(Endpoint::Tcp).collect())
            .map_err(|()| errors::not_found(&host)))
    };
    if let Some(opts) = first.read_lock::<Map>().map(|m| m.clone()) {
        let allow_half_open = opts.get("allowHalfOpen").and_then(|v| v.as_bool().ok()).unwrap_or(false);
        let targets = if let Some(path) = string_of(opts.get("path")) {
            Ok(vec![Endpoint::Unix(path.into())])
        } else {
            match opts.get("port") {
                Some(v) if !v.is_unit() => tcp(string_of(opts.get("host")), port_of(v, "Port")?)?,
                _ => return Err(errors::missing_args()),
            }
        };
        return Ok(ConnectArgs { targets, cb, allow_half_open });
    }
    if is_path(first) {
        let path = first.clone().into_string().unwrap_or_default();
        return Ok(ConnectArgs { targets: Ok(vec![Endpoint::Unix(path.into())]), cb, allow_half_open: false });
    }
    if first.is_unit() {
        return Err(errors::missing_args());
    }
    let port = port_of(first, "Port")?;
    Ok(ConnectArgs { targets: tcp(string_of(args.get(1)), port)?, cb, allow_half_open: false })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let a = listen_args(vec![Dynamic::from(8080_i64), Dynamic::from("127.0.0.1")]).unwrap();
        assert!(matches!(a.bind, Ok(Bind::Tcp { at, .. }) if at.port() == 8080));
        let a = listen_args(vec!["/tmp/s.sock".into()]).unwrap();
        assert!(matches!(a.bind, Ok(Bind::Unix(p, 0o600)) if p.to_str() == Some("/tmp/s.sock")));
        let a = listen_args(vec!["8081".into()]).unwrap();
        assert!(matches!(a.bind, Ok(Bind::AnyHost { port: 8081 })));
        assert!(listen_args(vec![Dynamic::from(70000_i64)]).is_err());
        assert!(listen_args(vec![Dynamic::from(1.5_f64)]).is_err());
        let c = connect_args(vec![Dynamic::from(1_i64), "127.0.0.1".into()]).unwrap();
        assert_eq!(c.targets.unwrap(), vec![Endpoint::Tcp("127.0.0.1:1".parse().unwrap())]);
        assert!(connect_args(vec![]).is_err());
        assert!(connect_args(vec![Dynamic::from(-1_i64)]).is_err());
    }
}
