//! What the pool's workers say: answers, progress reports and stray messages, read
//! by the channel's taps before any script sees them (the raw tap from a line's
//! text, the tap from its decoded value), fed to the core, and replied to scripts.

use rhai::{Dynamic, Engine, Map};
use std::rc::Rc;

use super::super::wire::{self, Incoming};
use super::Host;
use crate::pool::{JobId, WorkerId};
use crate::runtime::Task;

impl Host {
    /// The channel tap: a worker's message, before any script sees it.
    pub(super) fn on_message(&self, w: WorkerId, v: Dynamic) -> Option<Dynamic> {
        let tagged = self.core.borrow().is_tagged(w);
        let now = self.now();
        match wire::classify(v, tagged) {
            Incoming::Internal(v) => return Some(v),
            Incoming::Ready { tagged } => self.core.borrow_mut().ready(w, tagged, now),
            Incoming::Result(id, v) => self.answer(w, id, Ok(v), now),
            Incoming::Error(id, v) => self.answer(w, id, Err(wire::error_value(v)), now),
            Incoming::Progress(id, v) => self.progress(w, id, v),
            Incoming::Plain(v) if tagged => self.stray(w, v),
            Incoming::Plain(v) => {
                let done = self.core.borrow_mut().complete(w, None, true, now);
                match done {
                    Some((_, ticket)) => self.settle(ticket, Ok(v)),
                    None => self.stray(w, v),
                }
            }
        }
        self.after();
        None
    }

    /// The channel's raw tap: a tagged worker's answer read from its line's text (no
    /// map made, searched and dropped per job); anything else is declined and comes
    /// back through [`Host::on_message`].
    pub(super) fn on_line(&self, w: WorkerId, line: &[u8]) -> bool {
        let Some((id, kind, value)) = wire::split_tagged(line) else { return false };
        if !matches!(kind, b"result" | b"error" | b"progress") || !self.core.borrow().is_tagged(w) {
            return false;
        }
        let Some(v) = wire::tagged_value(value) else { return false };
        let now = self.now();
        match kind {
            b"result" => self.answer(w, id, Ok(v), now),
            b"error" => self.answer(w, id, Err(wire::error_value(v)), now),
            _ => self.progress(w, id, v),
        }
        self.after();
        true
    }

    fn progress(&self, w: WorkerId, id: JobId, v: Dynamic) {
        let cb = self.core.borrow().ticket(w, id).and_then(|t| t.progress.clone());
        if let Some(cb) = cb {
            self.st.next_tick(Task::Call(cb, vec![v]));
        }
    }

    fn answer(&self, w: WorkerId, id: JobId, outcome: Result<Dynamic, Dynamic>, now: u64) {
        let done = self.core.borrow_mut().complete(w, Some(id), outcome.is_ok(), now);
        if let Some((_, ticket)) = done {
            self.settle(ticket, outcome);
        }
    }

    /// A message that answers no job: the pool's `message` event `(msg, pid)`.
    fn stray(&self, w: WorkerId, msg: Dynamic) {
        self.emit_with_pid(w, "message", msg);
    }

    /// The pool's `event` with `(value, pid)` of worker `w`, on the next tick.
    fn emit_with_pid(&self, w: WorkerId, event: &'static str, value: Dynamic) {
        let (emitter, pid) = (self.emitter.clone(), self.pid(w).map(|p| Dynamic::from(p as i64)).unwrap_or_default());
        self.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| {
            emitter.emit(engine, event, &[value.clone(), pid.clone()]).map(|_| Dynamic::UNIT)
        })));
    }

    /// A worker's channel or process reported an error (a malformed message…): the
    /// pool's `error` event if someone listens, else a warning. The job, if any, ends
    /// with the worker or its timeout.
    pub(super) fn on_worker_error(&self, w: WorkerId, err: Dynamic) {
        if self.emitter.has("error") {
            self.emit_with_pid(w, "error", err);
            return;
        }
        let msg = err.read_lock::<Map>().and_then(|m| m.get("message").map(|v| v.to_string())).unwrap_or_default();
        let who = self.pid(w).map(|p| format!("pool worker {p}")).unwrap_or_else(|| "pool worker".into());
        crate::api::process::warn(&self.st, &format!("{who}: {msg}"), "PoolWarning", None);
    }
}
