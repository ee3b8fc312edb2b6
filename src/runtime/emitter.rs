//! Node's EventEmitter: ordered listeners, `once`, and emit that stops at the first
//! throwing listener. Every object with events (process, stdin, later children,
//! streams, sockets) owns one.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use rhai::{Dynamic, Engine, EvalAltResult, FnPtr, ImmutableString};

use super::callback::Callback;

#[derive(Clone)]
struct Listener {
    event: ImmutableString,
    cb: Callback,
    once: bool,
}

#[derive(Clone, Default)]
pub struct Emitter(Rc<RefCell<Vec<Listener>>>, Rc<Limit>);

/// `setMaxListeners` and the events already warned about (Node warns once each).
#[derive(Default)]
struct Limit {
    max: Cell<Option<usize>>,
    warned: RefCell<Vec<ImmutableString>>,
}

impl Emitter {
    /// The emitter's own limit (`None`: the module's `defaultMaxListeners`).
    pub fn max_listeners(&self) -> Option<usize> {
        self.1.max.get()
    }

    pub fn set_max_listeners(&self, n: usize) {
        self.1.max.set(Some(n));
    }

    /// True the first time `event` goes over `max` listeners (0 means no limit).
    pub fn over_limit(&self, event: &ImmutableString, max: usize) -> bool {
        // Warned events first: counting is linear, and a warned event stays warned.
        if max == 0 || self.1.warned.borrow().contains(event) || self.count(event) <= max {
            return false;
        }
        self.1.warned.borrow_mut().push(event.clone());
        true
    }

    pub fn add(&self, event: ImmutableString, cb: Callback, once: bool, prepend: bool) {
        let l = Listener { event, cb, once };
        let mut ls = self.0.borrow_mut();
        if prepend { ls.insert(0, l) } else { ls.push(l) }
    }

    /// Removes the most recently added matching listener, as Node does.
    pub fn remove(&self, event: &str, f: &FnPtr) -> bool {
        let mut ls = self.0.borrow_mut();
        match ls.iter().rposition(|l| l.event == event && l.cb.is(f)) {
            Some(i) => {
                ls.remove(i);
                true
            }
            None => false,
        }
    }

    pub fn remove_all(&self, event: Option<&str>) {
        self.0.borrow_mut().retain(|l| event.is_some_and(|e| l.event != e));
    }

    pub fn count(&self, event: &str) -> usize {
        self.0.borrow().iter().filter(|l| l.event == event).count()
    }

    pub fn has(&self, event: &str) -> bool {
        self.0.borrow().iter().any(|l| l.event == event)
    }

    pub fn listeners(&self, event: &str) -> Vec<FnPtr> {
        self.0.borrow().iter().filter(|l| l.event == event).map(|l| l.cb.fn_ptr().clone()).collect()
    }

    pub fn event_names(&self) -> Vec<ImmutableString> {
        let mut names: Vec<ImmutableString> = Vec::new();
        for l in self.0.borrow().iter() {
            if !names.contains(&l.event) {
                names.push(l.event.clone());
            }
        }
        names
    }

    /// Takes the listeners for one emit: `once` listeners are removed before any runs.
    pub fn snapshot(&self, event: &str) -> Vec<Callback> {
        let mut ls = self.0.borrow_mut();
        let out = ls.iter().filter(|l| l.event == event).map(|l| l.cb.clone()).collect();
        ls.retain(|l| !(l.once && l.event == event));
        out
    }

    /// Calls every listener of `event` in order; the first error stops the emit.
    /// Returns whether there was any listener. An `error` event nobody listens to is
    /// thrown, as in Node.
    pub fn emit(&self, engine: &Engine, event: &str, args: &[Dynamic]) -> Result<bool, Box<EvalAltResult>> {
        self.emit_owned(engine, event, args.to_vec())
    }

    /// [`emit`](Self::emit) with arguments it may keep: the last listener gets them,
    /// the others copies (a message map is copied once less per emit).
    /// A `Vec` or an array: the IPC channel passes `[message, handle]` without making a list.
    pub fn emit_owned(
        &self,
        engine: &Engine,
        event: &str,
        mut args: impl AsMut<[Dynamic]>,
    ) -> Result<bool, Box<EvalAltResult>> {
        let args = args.as_mut();
        // The common case, one listener that stays (every IPC message, every pool
        // job): called without making a list of listeners or filtering out `once`
        // ones, about 250 instructions an emit. The listener is still looked up per
        // emit, as Node does: one added or removed by the last call counts.
        let only = {
            let ls = self.0.borrow();
            let mut matching = ls.iter().filter(|l| l.event == event);
            match (matching.next(), matching.next()) {
                (Some(l), None) if !l.once => Some(l.cb.clone()),
                _ => None,
            }
        };
        if let Some(cb) = only {
            let _ = cb.call(engine, args)?;
            return Ok(true);
        }
        let listeners = self.snapshot(event);
        if listeners.is_empty() {
            if event == "error" {
                let err = args.first().cloned().unwrap_or(Dynamic::UNIT);
                return Err(EvalAltResult::ErrorRuntime(err, rhai::Position::NONE).into());
            }
            return Ok(false);
        }
        let last = listeners.len() - 1;
        for (i, cb) in listeners.into_iter().enumerate() {
            let _ = if i == last { cb.call(engine, &mut *args)? } else { cb.call(engine, args.to_vec())? };
        }
        Ok(true)
    }
}
