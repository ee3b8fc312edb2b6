//! A socket's two data paths: writing (queue, flush when writable, half-close
//! with `finish`) and reading (into the inbox or a consumer, `data` while flowing,
//! `end` once EOF and everything before it was delivered).

use std::rc::Rc;

use rhai::{Dynamic, Engine};

use super::{Done, HIGH_WATER, Outcome, Phase, READ_SIZE, READS_PER_WAKE, SocketInner};
use crate::net::sys::{self, Read};
use crate::runtime::{RhaiResult, Runtime, Task};
use crate::value::error;

impl SocketInner {
    pub(super) fn write(&self, bytes: Vec<u8>, done: Option<Done>) -> bool {
        if self.destroyed.get() {
            let err = error::coded("Error", "ERR_STREAM_DESTROYED", "Cannot call write after a stream was destroyed");
            if let Some(d) = done {
                self.st.next_tick(d.task(Some(err)));
            }
            return false;
        }
        if self.ending.get() {
            let err = error::coded("Error", "ERR_STREAM_WRITE_AFTER_END", "write after end");
            if let Some(d) = done {
                self.st.next_tick(d.task(Some(err.clone())));
            }
            self.destroy(Some(err));
            return false;
        }
        let idle = self.queue.borrow().is_empty();
        self.queue.borrow_mut().push(bytes, done);
        if idle && self.phase.get() == Phase::Open {
            self.flush();
        }
        let ok = self.queue.borrow().len() < HIGH_WATER;
        if !ok {
            self.need_drain.set(true);
        }
        self.update();
        ok
    }

    pub(super) fn end(&self) {
        if self.destroyed.get() || self.ending.replace(true) {
            return;
        }
        self.update();
    }

    /// Writes what the kernel takes now; completed writes' callbacks run on ticks.
    pub(super) fn flush(&self) {
        let fd = self.fd.get();
        if fd < 0 || self.phase.get() != Phase::Open {
            return;
        }
        let f = self.queue.borrow_mut().flush(|b| sys::send_some(fd, b));
        self.bytes_written.set(self.bytes_written.get() + f.written as u64);
        for d in f.completed {
            self.st.next_tick(d.task(None));
        }
        if let Some((errno, d)) = f.error {
            let err = error::syscall("write", errno);
            if let Some(d) = d {
                self.st.next_tick(d.task(Some(err.clone())));
            }
            return self.destroy(Some(err));
        }
        if self.queue.borrow().len() < HIGH_WATER && self.need_drain.replace(false) {
            let me = self.rc();
            self.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| {
                let consumer = me.consumer.borrow().clone();
                if let Some(c) = consumer {
                    c.drained(engine)?;
                }
                me.emitter.emit(engine, "drain", &[]).map(|_| Dynamic::UNIT)
            })));
        }
    }

    /// The socket is writable: flush, then the half-close `end()` asked for.
    pub(super) fn on_writable(&self, rt: &Runtime) {
        self.flush();
        if self.destroyed.get() || !self.queue.borrow().is_empty() || !self.ending.get() || self.shut.replace(true) {
            return self.update();
        }
        // ENOTCONN (the peer already reset) changes nothing: the write side is over.
        let _ = sys::shutdown_write(self.fd.get());
        self.update();
        self.finished.set(true);
        let r = self.emitter.emit(&rt.engine, "finish", &[]);
        rt.settle(r.map(|_| Dynamic::UNIT), None);
        if self.destroy_on_finish.get() {
            self.destroy(None);
        }
        self.maybe_destroy();
        rt.drain();
    }

    pub(super) fn on_readable(&self, rt: &Runtime) {
        for _ in 0..READS_PER_WAKE {
            if !self.wants_read() || self.fd.get() < 0 {
                return;
            }
            let mut buf = Vec::with_capacity(READ_SIZE);
            match sys::read_into(self.fd.get(), &mut buf) {
                Read::Data(n) => {
                    self.bytes_read.set(self.bytes_read.get() + n as u64);
                    if n < READ_SIZE / 2 {
                        buf.shrink_to_fit();
                    }
                    self.deliver(rt, buf);
                }
                Read::Eof => return self.on_eof(rt),
                Read::WouldBlock => return,
                Read::Failed(errno) => return self.destroy(Some(error::syscall("read", errno))),
            }
        }
    }

    pub(super) fn deliver(&self, rt: &Runtime, bytes: Vec<u8>) {
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
        rt.settle(r.map(|_| Dynamic::UNIT), None);
        // A consumer whose listener threw may have more of this read to hand over.
        while let Some(r) = consumer.as_ref().and_then(|c| c.resume(&rt.engine)) {
            rt.settle(r.map(|_| Dynamic::UNIT), None);
        }
        rt.drain();
        self.update();
    }

    pub(super) fn on_eof(&self, rt: &Runtime) {
        self.inbox.borrow_mut().set_eof();
        self.update();
        let consumer = self.consumer.borrow().clone();
        if let Some(c) = consumer {
            self.read_done.set(true);
            let r = c.end(&rt.engine);
            rt.settle(r.map(|_| Dynamic::UNIT), None);
            self.maybe_destroy();
        } else {
            self.maybe_end();
        }
        rt.drain();
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
            self.end();
        }
        self.maybe_destroy();
        r.map(|_| Dynamic::UNIT)
    }
}
