//! A child's stdin as Node's writable stream: `write(data, cb?)` (true while less
//! than [`HIGH_WATER`] is queued), `end()`, `destroy()`, and the events `drain`,
//! `finish`, `close`, `error`.
//!
//! ```rhai
//! let c = spawn("cat");
//! c.stdout.pipe(process.stdout);
//! c.stdin.write("hello\n", || print("written"));
//! c.stdin.end();
//! ```
//!
//! An adapter over the I/O core's pipe [`Stream`]: it writes what the pipe takes at
//! once and the rest when the pipe has room, keeps the loop alive meanwhile, and
//! delivers completions (ticks), `drain` (once the queue is empty), `finish` (a tick
//! after the last byte, then the pipe closes) and `close` (close phase). A reader
//! that went away gives EPIPE (procbox ignores SIGPIPE): the write's callback and an
//! `error` event (on a tick) get `write EPIPE`, then `close`. What is queued at exit
//! is in the exit flush.
//!
//! Node's Writable order, kept here: `drain` before the callbacks of the writes that
//! emptied the queue and none after `end()` (the stream's); `end(cb)`'s callbacks
//! before the `finish` listeners, or with the error when the stream breaks first. An
//! fs write stream (no `_final` in Node) looks for its end after each completion's
//! callbacks: a callback that threw (handled by `uncaughtException`) skips that look,
//! so when it was the last write and `end()` came before it, the stream never
//! finishes (no end callbacks, `finish` or `close`). A child's stdin finishes through
//! its shutdown instead, whatever a callback did.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::os::fd::OwnedFd;
use std::rc::{Rc, Weak};

use rhai::{Dynamic, Engine, Map};

use crate::api::events::EventTarget;
use crate::io::{Event, Handler, IoError, Stream, StreamOpts};
use crate::runtime::callback::Callback;
use crate::runtime::emitter::Emitter;
use crate::runtime::{Runtime, State, Task};
use crate::value::error;

/// `write()` returns false from this much queued on (Node's default highWaterMark).
pub const HIGH_WATER: usize = 16 * 1024;

pub struct WritableInner {
    st: Rc<State>,
    emitter: Emitter,
    /// The pipe (or file); `None` for an inert stream.
    stream: Option<Rc<Stream<Runtime>>>,
    /// Write callbacks by completion id, with the write's number (see `writes`).
    dones: RefCell<HashMap<u64, (Callback, u64)>>,
    next_id: Cell<u64>,
    /// Writes queued so far.
    writes: Cell<u64>,
    ending: Cell<bool>,
    /// `finish` was emitted (or withheld: see `stalled`).
    finished: Cell<bool>,
    /// `end(cb)`'s callbacks, run before the `finish` listeners.
    end_cbs: RefCell<Vec<Callback>>,
    /// An fs write stream (finishes only from a completion: see the header).
    file: Cell<bool>,
    /// A file stream's last write callback threw after `end()`: it never finishes.
    stalled: Cell<bool>,
    /// Destroyed, broken or inert (not set by the close that follows `finish`).
    destroyed: Cell<bool>,
    /// Native `drain` listeners (a piped source waiting to resume).
    drain_hooks: RefCell<Vec<Box<dyn FnOnce()>>>,
}

#[derive(Clone)]
pub struct Writable(pub Rc<WritableInner>);

fn stream_error(code: &str, message: &str) -> Map {
    error::coded("Error", code, message)
}

impl Writable {
    pub fn new(st: &Rc<State>, fd: Option<OwnedFd>) -> Writable {
        let opts = StreamOpts { high_water: HIGH_WATER, error_on_tick: true, ..StreamOpts::pipe() };
        let io = fd.is_some().then(|| st.io());
        let w = Writable(Rc::new_cyclic(|me: &Weak<WritableInner>| {
            let to: Weak<dyn Handler<Runtime>> = me.clone();
            WritableInner {
                st: st.clone(),
                emitter: Emitter::default(),
                stream: io.map(|io| Stream::new(&io, opts, to)),
                dones: RefCell::new(HashMap::new()),
                next_id: Cell::new(0),
                writes: Cell::new(0),
                ending: Cell::new(false),
                finished: Cell::new(false),
                end_cbs: RefCell::new(Vec::new()),
                file: Cell::new(false),
                stalled: Cell::new(false),
                destroyed: Cell::new(fd.is_none()),
                drain_hooks: RefCell::new(Vec::new()),
            }
        }));
        if let (Some(s), Some(fd)) = (&w.0.stream, fd) {
            s.set_flush_peer("a write stream".into());
            s.adopt(fd);
        }
        w
    }

    /// An fs write stream, not a child's stdin (see the header: when it finishes).
    pub fn set_file(&self) {
        self.0.file.set(true);
    }

    /// Names the reader in the exit flush's warning ("the stdin of child 42").
    pub fn set_peer(&self, name: String) {
        if let Some(s) = &self.0.stream {
            s.set_flush_peer(name);
        }
    }

    /// Queues `data`; false when the caller should wait for `drain`.
    pub fn write(&self, data: Vec<u8>, cb: Option<Callback>) -> bool {
        let i = &self.0;
        let stream = match &i.stream {
            Some(s) if !i.destroyed.get() => s,
            _ => {
                let err = stream_error("ERR_STREAM_DESTROYED", "Cannot call write after a stream was destroyed");
                if let Some(cb) = cb {
                    i.st.next_tick(Task::Call(cb, vec![err.into()]));
                }
                return false;
            }
        };
        if i.ending.get() {
            let err = stream_error("ERR_STREAM_WRITE_AFTER_END", "write after end");
            if let Some(cb) = cb {
                i.st.next_tick(Task::Call(cb, vec![err.into()]));
            }
            i.fail_after_end();
            return false;
        }
        let n = i.writes.get() + 1;
        i.writes.set(n);
        let id = cb.map(|cb| {
            let id = i.next_id.get() + 1;
            i.next_id.set(id);
            i.dones.borrow_mut().insert(id, (cb, n));
            id
        });
        stream.write(data, id)
    }

    /// `end(cb)`: as [`Writable::end`]; `cb` runs before the `finish` listeners, or
    /// on a tick with the error when the stream finished or broke already (Node's
    /// `ERR_STREAM_ALREADY_FINISHED` / `ERR_STREAM_DESTROYED`) or breaks first.
    pub fn end_with(&self, cb: Callback) {
        let i = &self.0;
        let late = if i.finished.get() {
            Some(("ERR_STREAM_ALREADY_FINISHED", "Cannot call end after a stream was finished"))
        } else if i.destroyed.get() {
            Some(("ERR_STREAM_DESTROYED", "Cannot call end after a stream was destroyed"))
        } else {
            None
        };
        match late {
            Some((code, message)) => i.st.next_tick(Task::Call(cb, vec![stream_error(code, message).into()])),
            None => i.end_cbs.borrow_mut().push(cb),
        }
        self.end();
    }

    /// Closes once everything queued is written; `finish`, then `close`.
    pub fn end(&self) {
        let i = &self.0;
        if i.destroyed.get() || i.ending.replace(true) {
            return;
        }
        if let Some(s) = &i.stream {
            s.end();
        }
    }

    /// Closes now, dropping what is queued (their callbacks never run); `close`
    /// follows.
    pub fn destroy(&self) {
        let i = &self.0;
        if i.destroyed.replace(true) {
            return;
        }
        i.dones.borrow_mut().clear();
        i.fail_end_callbacks(stream_error("ERR_STREAM_DESTROYED", "Cannot call end after a stream was destroyed"));
        if let Some(s) = &i.stream {
            s.destroy(None);
        }
    }

    /// Runs `f` at the next `drain` (the queue went below the high-water mark).
    pub fn on_drain(&self, f: Box<dyn FnOnce()>) {
        self.0.drain_hooks.borrow_mut().push(f);
    }

    pub fn writable(&self) -> bool {
        !self.0.destroyed.get() && !self.0.ending.get()
    }

    pub fn writable_length(&self) -> usize {
        self.0.stream.as_ref().map_or(0, |s| s.writable_length())
    }
}

impl WritableInner {
    /// A write after `end()`: the stream breaks with `error` on a tick (and `close`,
    /// unless `finish` closed it already).
    fn fail_after_end(&self) {
        if self.destroyed.replace(true) {
            return;
        }
        self.dones.borrow_mut().clear();
        self.fail_end_callbacks(stream_error("ERR_STREAM_WRITE_AFTER_END", "write after end"));
        match &self.stream {
            Some(s) if !s.destroyed() => s.destroy(Some(IoError::WriteAfterEnd)),
            _ => {
                let (emitter, err) =
                    (self.emitter.clone(), stream_error("ERR_STREAM_WRITE_AFTER_END", "write after end"));
                self.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| {
                    emitter.emit(engine, "error", &[err.clone().into()]).map(|_| Dynamic::UNIT)
                })));
            }
        }
    }

    /// The stream broke before `finish`: `end(cb)`'s callbacks hear `err` on ticks.
    fn fail_end_callbacks(&self, err: Map) {
        for cb in std::mem::take(&mut *self.end_cbs.borrow_mut()) {
            self.st.next_tick(Task::Call(cb, vec![err.clone().into()]));
        }
    }

    /// `finish`: `end(cb)`'s callbacks, then the listeners (a callback that throws
    /// stops it there, as in Node's `finish()`); nothing when the stream stalled.
    fn finish(&self, rt: &Runtime) -> bool {
        self.finished.set(true);
        if self.stalled.get() {
            return true;
        }
        for cb in std::mem::take(&mut *self.end_cbs.borrow_mut()) {
            let r = cb.call(&rt.engine, vec![]);
            if !rt.settle(r, cb.source()) {
                return false;
            }
        }
        rt.emit_settled(&self.emitter, "finish", &[])
    }
}

impl Handler<Runtime> for WritableInner {
    fn event(&self, rt: &Runtime, ev: Event) -> bool {
        match ev {
            // Writes dropped by a destroy or a failure never call back (as always).
            Event::Written { err: Some(IoError::Destroyed), .. } => true,
            Event::Written { id, err } => {
                let done = self.dones.borrow_mut().remove(&id);
                let Some((cb, n)) = done else { return true };
                let args = err.map(|e| vec![crate::api::net::error_of(&e).into()]).unwrap_or_default();
                let r = cb.call(&rt.engine, args);
                let ok = rt.settle(r, cb.source());
                if !ok && self.file.get() && self.ending.get() && n == self.writes.get() {
                    self.stalled.set(true);
                }
                ok
            }
            Event::Drain => {
                let hooks = std::mem::take(&mut *self.drain_hooks.borrow_mut());
                hooks.into_iter().for_each(|h| h());
                rt.emit_settled(&self.emitter, "drain", &[])
            }
            // `end()` posted it, then `destroy()` came first: Node's shutdown never
            // completes, so no `finish` (the end callbacks heard the error).
            Event::Finish if self.destroyed.get() => true,
            Event::Finish => self.finish(rt),
            Event::Error(e) => {
                let err = crate::api::net::error_of(&e);
                for cb in std::mem::take(&mut *self.end_cbs.borrow_mut()) {
                    let r = cb.call(&rt.engine, vec![err.clone().into()]);
                    if !rt.settle(r, cb.source()) {
                        return false;
                    }
                }
                rt.emit_settled(&self.emitter, "error", &[err.into()])
            }
            // A stalled stream is never destroyed in Node: no `close` either.
            Event::Close { .. } if self.stalled.get() => true,
            Event::Close { .. } => rt.emit_settled(&self.emitter, "close", &[]),
            Event::Connect | Event::Data(_) | Event::End | Event::Accepted(_) => true,
        }
    }

    /// A failure (EPIPE) broke the stream; the close after `finish` is no break.
    fn destroyed(&self) {
        if !self.stream.as_ref().is_some_and(|s| s.finished()) {
            self.destroyed.set(true);
        }
    }
}

impl EventTarget for Writable {
    fn emitter(&self) -> &Emitter {
        &self.0.emitter
    }
}
