//! Arguments of the `fs` functions as Node checks them (paths, flags, modes,
//! encodings, data, option maps), and failures turned into Node's error values.

use rhai::{Blob, Dynamic, EvalAltResult, Map};

use crate::api::child_process::options_received as received;
use crate::sys::fs::{Failure, FsError, parse_flags};
use crate::value::{encoding, error};

pub type Res<T> = Result<T, Box<EvalAltResult>>;

fn invalid_type(name: &str, expected: &str, v: &Dynamic) -> Box<EvalAltResult> {
    error::throw(error::coded(
        "TypeError",
        "ERR_INVALID_ARG_TYPE",
        &format!("The \"{name}\" argument must be {expected}. Received {}", received(v)),
    ))
}

pub fn invalid_value(name: &str, what: &str, v: &Dynamic) -> Box<EvalAltResult> {
    let shown = if v.is_string() { format!("'{v}'") } else { super::super::to_text(v) };
    error::throw(error::coded(
        "TypeError",
        "ERR_INVALID_ARG_VALUE",
        &format!("The argument '{name}' {what}. Received {shown}"),
    ))
}

/// A path: a string or a Buffer (BLOB) of its bytes.
pub fn path(v: &Dynamic, name: &str) -> Res<String> {
    if v.is_string() {
        let s = v.to_string();
        if s.contains('\0') {
            return Err(invalid_value(name, "must be a string, Uint8Array, or URL without null bytes", v));
        }
        return Ok(s);
    }
    if let Some(b) = v.read_lock::<Blob>() {
        return Ok(String::from_utf8_lossy(&b).into_owned());
    }
    Err(invalid_type(name, "of type string or an instance of Buffer or URL", v))
}

/// A path, or a descriptor (`readFileSync(fd)`).
pub enum Target {
    Path(String),
    Fd(i32),
}

pub fn target(v: &Dynamic) -> Res<Target> {
    match v.as_int() {
        Ok(fd) => Ok(Target::Fd(fd_of(fd, v)?)),
        Err(_) => Ok(Target::Path(path(v, "path")?)),
    }
}

fn fd_of(n: i64, v: &Dynamic) -> Res<i32> {
    if !(0..=i32::MAX as i64).contains(&n) {
        return Err(error::throw(error::coded(
            "RangeError",
            "ERR_OUT_OF_RANGE",
            &format!("The value of \"fd\" is out of range. It must be >= 0 && <= 2147483647. Received {}", received(v)),
        )));
    }
    Ok(n as i32)
}

pub fn fd(v: &Dynamic) -> Res<i32> {
    match v.as_int() {
        Ok(n) => fd_of(n, v),
        Err(_) => Err(invalid_type("fd", "of type number", v)),
    }
}

pub fn int(v: &Dynamic, name: &str) -> Res<i64> {
    v.as_int().map_err(|_| invalid_type(name, "of type number", v))
}

/// Node's flags: a string (`"a"`, `"wx"`…) or a number of open(2) flags.
pub fn flags(v: Option<&Dynamic>, default: &str) -> Res<i32> {
    match v.filter(|v| !v.is_unit()) {
        None => Ok(parse_flags(default).expect("default flags are valid")),
        Some(v) if v.is_int() => Ok(v.as_int().unwrap_or(0) as i32),
        Some(v) => parse_flags(&v.to_string()).ok_or_else(|| invalid_value("flags", "is invalid", v)),
    }
}

/// A mode: a number or an octal string.
pub fn mode(v: Option<&Dynamic>, default: u32) -> Res<u32> {
    match v.filter(|v| !v.is_unit()) {
        None => Ok(default),
        Some(v) if v.is_int() => Ok(v.as_int().unwrap_or(0) as u32),
        Some(v) if v.is_string() => u32::from_str_radix(&v.to_string(), 8)
            .map_err(|_| invalid_value("mode", "must be a 32-bit unsigned integer or an octal string", v)),
        Some(v) => Err(invalid_type("mode", "of type number", v)),
    }
}

/// The options argument: a map, or a string standing for `{encoding}`.
pub fn options(v: Option<&Dynamic>) -> Res<Map> {
    match v.filter(|v| !v.is_unit()) {
        None => Ok(Map::new()),
        Some(v) if v.is_string() => {
            let mut m = Map::new();
            m.insert("encoding".into(), v.clone());
            Ok(m)
        }
        Some(v) => match v.read_lock::<Map>() {
            Some(m) => Ok(m.clone()),
            None => Err(invalid_type("options", "of type object", v)),
        },
    }
}

/// `options.encoding`: `None` for bytes (absent, `()` or `"buffer"`).
pub fn encoding_of(opts: &Map) -> Res<Option<&'static str>> {
    match opts.get("encoding").filter(|v| !v.is_unit()) {
        None => Ok(None),
        Some(v) if v.to_string() == "buffer" => Ok(None),
        Some(v) => encoding::normalize(&v.to_string())
            .map(Some)
            .ok_or_else(|| invalid_value("encoding", "is invalid encoding", v)),
    }
}

pub fn flag(opts: &Map, key: &str) -> bool {
    opts.get(key).is_some_and(|v| v.as_bool().unwrap_or(false))
}

/// Data to write: a string (in `enc`, UTF-8 by default) or a Buffer.
pub fn data(v: &Dynamic, enc: Option<&'static str>) -> Res<Vec<u8>> {
    if v.is_string() {
        return Ok(crate::value::encoding::encode(&v.to_string(), enc.unwrap_or("utf8")));
    }
    if let Some(b) = v.read_lock::<Blob>() {
        return Ok(b.clone());
    }
    Err(invalid_type("data", "of type string or an instance of Buffer, TypedArray, or DataView", v))
}

/// Bytes as the caller asked for them: a Buffer, or text in `enc`.
pub fn bytes_value(bytes: Vec<u8>, enc: Option<&'static str>) -> Dynamic {
    match enc {
        None => Dynamic::from_blob(bytes),
        // The common case without a copy when the bytes are valid UTF-8.
        Some("utf8") => match String::from_utf8(bytes) {
            Ok(s) => s.into(),
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned().into(),
        },
        Some(enc) => encoding::decode(&bytes, enc).into(),
    }
}

/// A system error as Node builds it (`value::error::uv`).
pub fn fs_error(e: &FsError) -> Map {
    error::uv(e.errno, e.syscall, e.path.as_deref(), e.dest.as_deref())
}

/// Any failure of an operation as the value a script sees.
pub fn failure(f: &Failure) -> Map {
    match f {
        Failure::Sys(e) => fs_error(e),
        Failure::IsDir(p) => {
            let message = format!("Path is a directory: rm returned EISDIR (is a directory) {p}");
            let mut m = error::coded("SystemError", "ERR_FS_EISDIR", &message);
            // Node's `SystemError` carries the positive number.
            m.insert("errno".into(), (crate::sys::errno::Errno::EISDIR as i64).into());
            m.insert("syscall".into(), "rm".into());
            m.insert("path".into(), p.clone().into());
            m
        }
    }
}

/// The last argument as a callback (Node's `cb` check).
/// A missing one is reported as Node's `undefined` (procbox's `()` is both).
pub fn callback(v: &Dynamic) -> Res<rhai::FnPtr> {
    if v.is_unit() {
        return Err(error::throw(error::coded(
            "TypeError",
            "ERR_INVALID_ARG_TYPE",
            "The \"cb\" argument must be of type function. Received undefined",
        )));
    }
    v.clone().try_cast::<rhai::FnPtr>().ok_or_else(|| invalid_type("cb", "of type function", v))
}
