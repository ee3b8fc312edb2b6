//! Error reports on stderr: where (path:line:col, the source line, a caret) and what
//! (the error's stack, or the thrown value), in the layout Node uses.

use rhai::{Dynamic, EvalAltResult, Map, ParseError, Position};

use super::{State, stack};
use crate::value::{error, inspect};

const FOOTER: &str = concat!("procbox v", env!("CARGO_PKG_VERSION"));

/// Where an error happened: the innermost position and the source it belongs to.
pub fn locate(e: &EvalAltResult, src: Option<&str>) -> (Option<String>, Position) {
    match e {
        EvalAltResult::ErrorInFunctionCall(_, fsrc, inner, pos) => {
            let s = if fsrc.is_empty() { src } else { Some(fsrc.as_str()) };
            match locate(inner, s) {
                (_, p) if p.is_none() => (src.map(String::from), *pos),
                found => found,
            }
        }
        EvalAltResult::ErrorInModule(path, inner, pos) => match locate(inner, Some(path)) {
            (_, p) if p.is_none() => (src.map(String::from), *pos),
            found => found,
        },
        other => (src.map(String::from), other.position()),
    }
}

pub(super) fn at(src: &Option<String>, pos: Position) -> Option<String> {
    let line = pos.line()?;
    Some(format!("{}:{}:{}", src.as_deref().unwrap_or("<anonymous>"), line, pos.position().unwrap_or(1)))
}

/// `path:line:col`, the source line and a caret under the column.
fn header(st: &State, src: &Option<String>, pos: Position) -> String {
    let Some(where_) = at(src, pos) else { return String::new() };
    let line = pos.line().unwrap_or(1);
    let text = src.as_ref().and_then(|s| st.sources.borrow().get(s).cloned());
    let Some(code) = text.and_then(|t| t.lines().nth(line - 1).map(String::from)) else {
        return format!("{where_}\n");
    };
    let col = pos.position().unwrap_or(1).saturating_sub(1);
    let pad: String = code.chars().take(col).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
    format!("{where_}\n{code}\n{pad}^\n")
}

/// The value scripts see for an error (in `catch`, `uncaughtException`, the report).
/// A thrown value is as it was thrown; a Rhai runtime error becomes a Node error whose
/// stack lists where it happened, then each call site outwards.
pub fn value_of(st: &State, e: &EvalAltResult, src: Option<&str>) -> Dynamic {
    let v = error::to_value(e);
    if matches!(e.unwrap_inner(), EvalAltResult::ErrorRuntime(..)) {
        return v;
    }
    let Some(mut m) = v.try_cast::<Map>() else { return Dynamic::UNIT };
    if let EvalAltResult::ErrorFunctionNotFound(sig, _) = e.unwrap_inner() {
        let (src, pos) = locate(e, src);
        if let Some(receiver) = stack::receiver_at(st, &src, pos) {
            let name = m.get("name").map(|n| n.to_string()).unwrap_or_default();
            let message = format!("{receiver}.{} is not a function", error::callee_of(sig));
            m.insert("stack".into(), format!("{name}: {message}").into());
            m.insert("message".into(), message.into());
        }
    }
    if let EvalAltResult::ErrorDataRace(what, _) = e.unwrap_inner() {
        let (src, pos) = locate(e, src);
        if let Some(var) = stack::word_at(st, &src, pos).filter(|_| what.is_empty()) {
            // A plain value (array, map) that a callback used while its own method ran.
            let message = format!(
                "Data race detected on '{var}': a method is still running on this value and a callback \
                 used it; copy the value first (let copy = {var};), or use it after the call returns"
            );
            m.insert("stack".into(), format!("Error: {message}").into());
            m.insert("message".into(), message.into());
        }
    }
    let mut lines = Vec::new();
    stack::frames(e, src, None, &mut lines);
    if !lines.is_empty() {
        let stack = m.get("stack").map(|s| s.to_string()).unwrap_or_default();
        m.insert("stack".into(), format!("{stack}\n    at {}", lines.join("\n    at ")).into());
    }
    m.into()
}

pub fn is_error_like(v: &Dynamic) -> bool {
    v.read_lock::<Map>().is_some_and(|m| m.contains_key("message") && m.contains_key("stack"))
}

/// What an unhandled rejection raises: the reason if it looks like an Error,
/// otherwise Node's `UnhandledPromiseRejection` wrapper.
pub fn rejection_error(reason: Dynamic) -> Dynamic {
    if is_error_like(&reason) {
        return reason;
    }
    let shown = inspect::inspect(&reason, &|_| None);
    let message = format!(
        "This error originated either by throwing inside of an async function without a catch block, \
         or by rejecting a promise which was not handled with .catch(). The promise rejected with the reason \"{shown}\"."
    );
    error::coded("UnhandledPromiseRejection", "ERR_UNHANDLED_REJECTION", &message).into()
}

/// The report printed when an error ends the process.
pub fn crash_report(st: &State, err: &Dynamic, at: Option<(&EvalAltResult, Option<&str>)>) -> String {
    // The caret goes where the error's stack says it happened (for a thrown Error,
    // where it was made), so the two agree.
    let thrown = at.and_then(|(e, src)| stack::with_calling_frames(err, e, src));
    let err = thrown.as_ref().unwrap_or(err);
    let mut out = match (stack::top_place(st, err), at) {
        (Some((src, pos)), _) => header(st, &Some(src), pos),
        (None, Some((e, src))) => {
            let (src, pos) = locate(e, src);
            header(st, &src, pos)
        }
        (None, None) => String::new(),
    };
    if !out.is_empty() {
        out.push('\n');
    }
    if is_error_like(err) {
        out.push_str(&inspect::inspect(err, &|_| None));
    } else {
        out.push_str("Uncaught ");
        out.push_str(&inspect::inspect(err, &|_| None));
    }
    out.push_str(&format!("\n\n{FOOTER}\n"));
    out
}

/// A syntax error: where, the line, a caret, and the message.
pub fn syntax_report(st: &State, name: &str, e: &ParseError) -> String {
    let src = Some(name.to_string());
    let mut out = header(st, &src, e.1);
    if out.is_empty() {
        out = format!("{name}\n");
    }
    out.push_str(&format!("\nSyntaxError: {}\n", e.0));
    out
}
