//! A socket's script-side data paths over its stream: writes with their callbacks
//! (by completion id), and Node's readable side: into the inbox or a consumer, `data`
//! while flowing, `end` once EOF and everything before it was delivered.

use std::rc::Rc;

use rhai::{Dynamic, Engine};

use super::{Consumer, Done, Outcome, SocketInner};
use crate::runtime::{RhaiResult, Runtime, Task};

impl SocketInner {
    pub(super) fn write(&self, bytes: Vec<u8>, done: Option<Done>) -> bool {
        let id = done.map(|d| {
            let id = self.next_id.get() + 1;
            self.next_id.set(id);
            self.dones.borrow_mut().insert(id, d);
            id
        });
        self.stream.write(bytes, id)
    }

    /// A write completed, failed or was dropped (in write order); false if its
    /// callback threw.
    pub(super) fn written(&self, rt: &Runtime, id: u64, err: Option<rhai::Map>) -> bool {
        let done = self.dones.borrow_mut().remove(&id);
        done.is_none_or(|d| d.call(rt, err))
    }

    pub(super) fn set_consumer(&self, c: Rc<dyn Consumer>) {
        *self.consumer.borrow_mut() = Some(c.clone());
        self.stream.set_flush_names(c.flush_names());
        self.update();
        let (waiting, eof) = {
            let i = self.inbox.borrow();
            (!i.is_empty(), i.eof())
        };
        if waiting || eof {
            let me = self.rc();
            self.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| {
                let chunks = me.inbox.borrow_mut().drain();
                for chunk in chunks {
                    c.data(engine, chunk)?;
                }
                if me.inbox.borrow().eof() && !me.read_done.replace(true) {
                    c.end(engine)?;
                    me.maybe_destroy();
                }
                Ok(Dynamic::UNIT)
            })));
        }
    }

    /// One read, to the consumer or the readable side; false if script threw.
    pub(super) fn deliver(&self, rt: &Runtime, bytes: Vec<u8>) -> bool {
        let consumer = self.consumer.borrow().clone();
        let r = match &consumer {
            Some(c) => c.data(&rt.engine, bytes),
            None => {
                let now = self.inbox.borrow_mut().push(bytes);
                match now {
                    Some(bytes) => self.emit_data(&rt.engine, bytes),
                    None => Ok(()),
                }
            }
        };
        let mut ok = rt.settle(r.map(|_| Dynamic::UNIT), None);
        // A consumer whose listener threw may have more of this read to hand over.
        while let Some(r) = consumer.as_ref().and_then(|c| c.resume(&rt.engine)) {
            ok &= rt.settle(r.map(|_| Dynamic::UNIT), None);
        }
        self.update();
        ok
    }

    /// The peer's EOF; false if script threw.
    pub(super) fn on_eof(&self, rt: &Runtime) -> bool {
        self.inbox.borrow_mut().set_eof();
        self.update();
        let consumer = self.consumer.borrow().clone();
        let mut ok = true;
        if let Some(c) = consumer {
            self.read_done.set(true);
            let r = c.end(&rt.engine);
            ok = rt.settle(r.map(|_| Dynamic::UNIT), None);
            self.maybe_destroy();
        } else {
            self.maybe_end();
        }
        ok
    }

    /// The `data` listeners get a BLOB, or text after `setEncoding`.
    pub(super) fn emit_data(&self, engine: &Engine, bytes: Vec<u8>) -> Outcome {
        let Some(chunk) = self.text.chunk(bytes) else { return Ok(()) };
        self.emitter.emit(engine, "data", &[chunk.into()]).map(drop)
    }

    pub(super) fn resume(&self) {
        self.inbox.borrow_mut().flowing = Some(true);
        self.update();
        if self.flow_queued.replace(true) {
            return;
        }
        // Node's `resume()` starts the flow on the next tick.
        let me = self.rc();
        self.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| me.flow(engine))));
    }

    /// Delivers what waited while nobody consumed it, then `end` if it came.
    pub(super) fn flow(&self, engine: &Engine) -> RhaiResult {
        self.flow_queued.set(false);
        loop {
            let chunk = self.inbox.borrow_mut().pop();
            let Some(chunk) = chunk else { break };
            self.emit_data(engine, chunk)?;
        }
        self.update();
        if self.inbox.borrow_mut().take_end() {
            return self.emit_end(engine);
        }
        Ok(Dynamic::UNIT)
    }

    pub(super) fn maybe_end(&self) {
        if self.inbox.borrow_mut().take_end_at_eof() {
            let me = self.rc();
            self.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| me.emit_end(engine))));
        }
    }

    /// `end`, then (without allowHalfOpen) our own end, and `close` once both are over.
    pub(super) fn emit_end(&self, engine: &Engine) -> RhaiResult {
        self.read_done.set(true);
        if let Some(rest) = self.text.rest() {
            self.emitter.emit(engine, "data", &[rest.into()])?;
        }
        let r = self.emitter.emit(engine, "end", &[]);
        if !self.allow_half_open.get() {
            self.stream.end();
        }
        self.maybe_destroy();
        r.map(|_| Dynamic::UNIT)
    }
}
