//! Process warnings (`(procbox:PID) Type: message` on stderr, then the `warning`
//! event): the runtime itself warns (an unhandled rejection's deprecation notice),
//! so the queueing lives here, below the bindings; `api::process` re-exports it and
//! adds `process.emitWarning`.

use std::rc::Rc;

use rhai::{Dynamic, Engine, Map};

use super::{State, Task};
use crate::value::error;

/// Queues a warning: printed `(procbox:PID) [CODE] Type: message`, then `warning`
/// listeners get the Error, on the next tick as in Node.
pub fn warn(st: &Rc<State>, message: &str, kind: &str, code: Option<&str>) {
    warn_detail(st, message, kind, code, None, Map::new())
}

/// A warning whose object carries extra fields (`MaxListenersExceededWarning`'s
/// `emitter`, `type` and `count`).
pub fn warn_with(st: &Rc<State>, message: &str, kind: &str, fields: Map) {
    warn_detail(st, message, kind, None, None, fields)
}

/// The general form: an optional `code` and `detail` line, and extra fields.
pub fn warn_detail(st: &Rc<State>, message: &str, kind: &str, code: Option<&str>, detail: Option<&str>, fields: Map) {
    let mut w = error::error(kind, message, None);
    w.extend(fields);
    if let Some(c) = code {
        w.insert("code".into(), c.into());
    }
    if let Some(d) = detail {
        w.insert("detail".into(), d.into());
    }
    let line = format!(
        "(procbox:{}) {}{kind}: {message}\n{}",
        std::process::id(),
        code.map(|c| format!("[{c}] ")).unwrap_or_default(),
        detail.map(|d| format!("{d}\n")).unwrap_or_default()
    );
    let s = st.clone();
    st.next_tick(Task::Native(Rc::new(move |engine: &Engine| {
        s.eprint(&line);
        s.process.emit(engine, "warning", &[w.clone().into()]).map(|_| Dynamic::UNIT)
    })));
}
