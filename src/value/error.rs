//! Node-shaped error values: maps with `name`, `message`, `stack`, and for system
//! errors `code`, `errno`, `syscall`. Rhai's own runtime errors are turned into the
//! same shape, so `catch`, `uncaughtException` and the crash report all see one kind
//! of value.

use rhai::{Dynamic, EvalAltResult, Map, Position};

use crate::sys::errno::Errno;

/// `Error(msg)` at `at` ("path:line:col"): a map like a JavaScript Error.
pub fn error(name: &str, message: &str, at: Option<&str>) -> Map {
    let mut m = Map::new();
    m.insert("name".into(), name.into());
    m.insert("message".into(), message.into());
    let stack = match at {
        Some(at) => format!("{name}: {message}\n    at {at}"),
        None => format!("{name}: {message}"),
    };
    m.insert("stack".into(), stack.into());
    m
}

/// An error with a Node `code` (`ERR_…` or an errno name).
pub fn coded(name: &str, code: &str, message: &str) -> Map {
    let mut m = error(name, message, None);
    m.insert("code".into(), code.into());
    m
}

/// A permission denial as Node's `ERR_ACCESS_DENIED`: `code`, `permission`,
/// `resource`, and a message naming the flag.
pub fn access_denied(d: crate::perm::Denied) -> Map {
    let mut m: Map = coded("Error", "ERR_ACCESS_DENIED", &d.message);
    m.insert("permission".into(), d.perm.node_name().into());
    m.insert("resource".into(), d.resource.into());
    m
}

/// A failed system call, as Node's `errnoException` builds it: message `kill ESRCH`,
/// `code`, `errno` (negative), `syscall`. Every error a binding makes from an
/// [`Errno`] starts here or in [`uv`] (its form with paths).
pub fn syscall(syscall: &str, errno: Errno) -> Map {
    let code = errno_name(errno);
    let mut m = coded("Error", code, &format!("{syscall} {code}"));
    m.insert("errno".into(), (-(errno as i64)).into());
    m.insert("syscall".into(), syscall.into());
    m
}

/// A failed system call with paths, as Node's `uvException` builds it: message
/// `ENOENT: no such file or directory, open '/x'`, `code`, `errno` (negative),
/// `syscall`, and `path`/`dest` when given.
pub fn uv(errno: Errno, syscall: &str, path: Option<&str>, dest: Option<&str>) -> Map {
    let message = crate::sys::errno::uv_message(errno, syscall, path, dest);
    let mut m = coded("Error", errno_name(errno), &message);
    m.insert("errno".into(), (-(errno as i64)).into());
    m.insert("syscall".into(), syscall.into());
    if let Some(p) = path {
        m.insert("path".into(), p.into());
    }
    if let Some(d) = dest {
        m.insert("dest".into(), d.into());
    }
    m
}

pub fn throw(m: Map) -> Box<EvalAltResult> {
    EvalAltResult::ErrorRuntime(m.into(), Position::NONE).into()
}

/// The value a script sees for an error: what was thrown, or a map built from Rhai's
/// runtime error (`ReferenceError: b is not defined` for an unknown variable).
pub fn to_value(err: &EvalAltResult) -> Dynamic {
    let inner = err.unwrap_inner();
    if let EvalAltResult::ErrorRuntime(v, _) = inner {
        return v.clone();
    }
    let (name, message) = node_name_message(inner);
    let mut m = error(name, &message, None);
    let pos = inner.position();
    if !pos.is_none() {
        m.insert("line".into(), (pos.line().unwrap_or(0) as i64).into());
        m.insert("position".into(), (pos.position().unwrap_or(0) as i64).into());
    }
    m.into()
}

/// Node's error class and message for one of Rhai's runtime errors.
fn node_name_message(e: &EvalAltResult) -> (&'static str, String) {
    use EvalAltResult as E;
    match e {
        E::ErrorVariableNotFound(v, _) => ("ReferenceError", format!("{v} is not defined")),
        E::ErrorFunctionNotFound(sig, _) => ("TypeError", format!("{} is not a function", callee_of(sig))),
        E::ErrorStackOverflow(_) => ("RangeError", "Maximum call stack size exceeded".into()),
        E::ErrorAssignmentToConstant(..) => ("TypeError", "Assignment to constant variable.".into()),
        E::ErrorMismatchDataType(..)
        | E::ErrorMismatchOutputType(..)
        | E::ErrorIndexingType(..)
        | E::ErrorPropertyNotFound(..)
        | E::ErrorDotExpr(..)
        | E::ErrorFor(..)
        | E::ErrorUnboundThis(..)
        | E::ErrorNonPureMethodCallOnConstant(..) => ("TypeError", message_of(e)),
        E::ErrorArrayBounds(..) | E::ErrorStringBounds(..) | E::ErrorBitFieldBounds(..) | E::ErrorArithmetic(..) => {
            ("RangeError", message_of(e))
        }
        other => ("Error", message_of(other)),
    }
}

/// The function name in a Rhai call signature (`name (i64, string)`).
pub fn callee_of(sig: &str) -> &str {
    sig.split_once(" (").map_or(sig, |(name, _)| name)
}

/// Name of an errno value, as Node reports it in `code` (the one table:
/// `sys::errno::code`).
pub fn errno_name(errno: Errno) -> &'static str {
    crate::sys::errno::code(errno as i32)
}

/// Rhai's message for an error, without the " (line l, position p)" it appends.
pub fn message_of(e: &EvalAltResult) -> String {
    let text = e.to_string();
    let pos = e.position();
    if pos.is_none() {
        return text;
    }
    let suffix = format!(" ({pos})");
    text.strip_suffix(&suffix).map(String::from).unwrap_or(text)
}
