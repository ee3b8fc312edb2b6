//! Errors at the prompt, shown as Node's REPL shows them, and the session goes on:
//! the line of code with a caret under the position, a blank line, then
//! `Uncaught …` (the error's stack, or the thrown value inspected).
//!
//! Rhai names the running input as the source of every error, even one inside a
//! function typed three inputs earlier; the session knows which input defined each
//! function ([`Defined`]), so the caret and the stack point into the right text.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use rhai::{Dynamic, EvalAltResult, Map, ParseError, Position};

use super::interrupt;
use crate::runtime::{Runtime, State};
use crate::value::error;
use crate::value::inspect::inspect;

/// Function name (closures' `anon$…` too) → the input that defined it.
pub type Defined = Rc<RefCell<HashMap<String, String>>>;

/// The quoted line and a caret, when `src` is a known source.
fn caret(st: &State, src: Option<&str>, pos: Position) -> String {
    let (Some(line), Some(src)) = (pos.line(), src) else { return String::new() };
    let text = st.sources.borrow().get(src).cloned();
    let Some(code) = text.and_then(|t| t.lines().nth(line - 1).map(String::from)) else { return String::new() };
    let col = pos.position().unwrap_or(1).saturating_sub(1);
    let pad: String = code.chars().take(col).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
    format!("{code}\n{pad}^\n\n")
}

/// The innermost position of `e` and the source it belongs to.
fn locate(e: &EvalAltResult, src: Option<&str>, defined: &Defined) -> (Option<String>, Position) {
    match e {
        EvalAltResult::ErrorInFunctionCall(name, fsrc, inner, pos) => {
            let body = defined.borrow().get(name).cloned();
            let body = body.or_else(|| (!fsrc.is_empty()).then(|| fsrc.clone())).or_else(|| src.map(String::from));
            match locate(inner, body.as_deref(), defined) {
                (_, p) if p.is_none() => (src.map(String::from), *pos),
                found => found,
            }
        }
        EvalAltResult::ErrorInModule(path, inner, pos) => match locate(inner, Some(path), defined) {
            (_, p) if p.is_none() => (src.map(String::from), *pos),
            found => found,
        },
        other => (src.map(String::from), other.position()),
    }
}

/// The value scripts would see, its stack pointing at where the error happened.
fn value_of(e: &EvalAltResult, src: Option<&str>, defined: &Defined) -> Dynamic {
    let v = error::to_value(e);
    if matches!(e.unwrap_inner(), EvalAltResult::ErrorRuntime(..)) {
        return v;
    }
    let (src, pos) = locate(e, src, defined);
    let Some(mut m) = v.clone().try_cast::<Map>() else { return v };
    if let (Some(line), Some(src)) = (pos.line(), src) {
        let stack = m.get("stack").map(|s| s.to_string()).unwrap_or_default();
        let place = format!("{src}:{line}:{}", pos.position().unwrap_or(1));
        m.insert("stack".into(), format!("{stack}\n    at {place}").into());
    }
    m.into()
}

/// A value as Node's REPL shows it. Host types without a look of their own show
/// their script name (`Timeout {}`) rather than a Rust path.
pub fn shown(rt: &Runtime, v: &Dynamic) -> String {
    inspect(v, &|x| {
        crate::api::describe(x).or_else(|| {
            let t = x.type_name();
            t.contains("::").then(|| format!("{} {{}}", rt.engine.map_type_name(t)))
        })
    })
}

/// A syntax error in the input called `name`.
pub fn syntax(st: &State, name: &str, e: &ParseError) {
    st.print(&format!("{}Uncaught SyntaxError: {}\n", caret(st, Some(name), e.1), e.0));
}

/// An error thrown by typed code, or by a callback (the runtime's uncaught hook,
/// which passes the value it made; it is remade here when the Rhai error is known).
pub fn show(rt: &Runtime, thrown: &Dynamic, at: Option<(&EvalAltResult, Option<&str>)>, defined: &Defined) {
    let Some((e, src)) = at else {
        rt.st.print(&format!("Uncaught {}\n", shown(rt, thrown)));
        return;
    };
    if interrupt::is_interrupt(e) {
        rt.st.print("Interrupted\n");
        return;
    }
    let (file, pos) = locate(e, src, defined);
    let place = caret(&rt.st, file.as_deref(), pos);
    let value = value_of(e, src, defined);
    rt.st.print(&format!("{place}Uncaught {}\n", shown(rt, &value)));
}
