//! node-ipc's argument shapes: `serve(path?, cb?)`, `serveNet(host?, port?, cb?)`,
//! `connectTo(id, path?, cb?)`, `connectToNet(id, host?, port?, cb?)`. As in node-ipc
//! a number where the host would be is the port, and a function ends the list.
//! Anything else is a catchable `ERR_INVALID_ARG_TYPE`.

use rhai::{Dynamic, EvalAltResult, FnPtr};

use super::errors;
use crate::value::error;

type Res<T> = Result<T, Box<EvalAltResult>>;

/// Splits off a trailing callback.
fn take_cb(mut args: Vec<Dynamic>) -> (Vec<Dynamic>, Option<FnPtr>) {
    let cb = match args.last() {
        Some(v) if v.is_fnptr() => args.pop().and_then(|v| v.try_cast::<FnPtr>()),
        _ => None,
    };
    (args, cb)
}

fn string(name: &str, v: &Dynamic) -> Res<String> {
    match v.clone().into_string() {
        Ok(s) => Ok(s),
        Err(_) => Err(errors::arg_type(name, "a string", v)),
    }
}

pub fn port(name: &str, v: &Dynamic) -> Res<u16> {
    let n = if let Ok(i) = v.as_int() {
        i as f64
    } else if let Ok(f) = v.as_float() {
        f
    } else {
        return Err(errors::arg_type(name, "a number", v));
    };
    if n.fract() != 0.0 || !(0.0..65536.0).contains(&n) {
        return Err(error::throw(error::coded(
            "RangeError",
            "ERR_SOCKET_BAD_PORT",
            &format!("{name} should be >= 0 and < 65536. Received {n}."),
        )));
    }
    Ok(n as u16)
}

fn is_number(v: &Dynamic) -> bool {
    v.is_int() || v.is_float()
}

fn too_many(what: &str, args: &[Dynamic]) -> Res<()> {
    match args.first() {
        Some(v) => Err(errors::arg_type(what, "a function (the callback)", v)),
        None => Ok(()),
    }
}

/// `serve(path?, cb?)`.
pub fn serve(args: Vec<Dynamic>) -> Res<(Option<String>, Option<FnPtr>)> {
    let (mut args, cb) = take_cb(args);
    let path = if args.is_empty() { None } else { Some(string("path", &args.remove(0))?) };
    too_many("callback", &args)?;
    Ok((path, cb))
}

/// `serveNet(host?, port?, cb?)`; UDP (`"udp4"`, `"udp6"`) is not supported.
pub fn serve_net(args: Vec<Dynamic>) -> Res<(Option<String>, Option<u16>, Option<FnPtr>)> {
    let (mut args, cb) = take_cb(args);
    let mut host = None;
    if args.first().is_some_and(|v| !is_number(v)) {
        host = Some(string("host", &args.remove(0))?);
    }
    if let Some(h) = &host
        && (h.eq_ignore_ascii_case("udp4") || h.eq_ignore_ascii_case("udp6"))
    {
        return Err(udp());
    }
    let port = if args.is_empty() { None } else { Some(port("port", &args.remove(0))?) };
    if args.first().is_some_and(|v| v.is_string()) {
        return Err(udp());
    }
    too_many("callback", &args)?;
    Ok((host, port, cb))
}

fn udp() -> Box<EvalAltResult> {
    error::throw(error::coded(
        "Error",
        "ERR_FEATURE_UNAVAILABLE",
        "UDP servers (udp4/udp6) are not supported by procbox",
    ))
}

/// The service id of `connectTo`/`connectToNet`: a non-empty string.
pub fn id(v: &Dynamic) -> Res<String> {
    let id = if let Ok(i) = v.as_int() { i.to_string() } else { string("id", v)? };
    if id.is_empty() {
        return Err(errors::arg_value("id", "must name the service (a non-empty string)"));
    }
    Ok(id)
}

/// `connectTo(id, path?, cb?)`'s rest.
pub fn connect_to(args: Vec<Dynamic>) -> Res<(Option<String>, Option<FnPtr>)> {
    serve(args)
}

/// `connectToNet(id, host?, port?, cb?)`'s rest.
pub fn connect_to_net(args: Vec<Dynamic>) -> Res<(Option<String>, Option<u16>, Option<FnPtr>)> {
    let (mut args, cb) = take_cb(args);
    let mut host = None;
    if args.first().is_some_and(|v| !is_number(v)) {
        host = Some(string("host", &args.remove(0))?);
    }
    let port = if args.is_empty() { None } else { Some(port("port", &args.remove(0))?) };
    too_many("callback", &args)?;
    Ok((host, port, cb))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let (h, p, _) = serve_net(vec![Dynamic::from(8001_i64)]).unwrap();
        assert_eq!((h, p), (None, Some(8001)));
        let (h, p, _) = serve_net(vec!["::1".into(), Dynamic::from(9_i64)]).unwrap();
        assert_eq!((h.as_deref(), p), (Some("::1"), Some(9)));
        assert!(serve_net(vec!["udp4".into()]).is_err());
        assert!(serve_net(vec![Dynamic::from(70000_i64)]).is_err());
        assert!(serve(vec![Dynamic::from(1_i64)]).is_err());
        let (path, cb) = serve(vec!["/tmp/x".into()]).unwrap();
        assert_eq!((path.as_deref(), cb.is_none()), (Some("/tmp/x"), true));
        assert!(id(&"".into()).is_err());
        assert!(id(&Dynamic::UNIT).is_err());
        let (h, p, _) = connect_to_net(vec![Dynamic::from(5_i64)]).unwrap();
        assert_eq!((h, p), (None, Some(5)));
    }
}
