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
    /// Write callbacks by completion id.
    dones: RefCell<HashMap<u64, Callback>>,
    next_id: Cell<u64>,
    ending: Cell<bool>,
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
                ending: Cell::new(false),
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
        let id = cb.map(|cb| {
            let id = i.next_id.get() + 1;
            i.next_id.set(id);
            i.dones.borrow_mut().insert(id, cb);
            id
        });
        stream.write(data, id)
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
}

impl Handler<Runtime> for WritableInner {
    fn event(&self, rt: &Runtime, ev: Event) -> bool {
        match ev {
            // Writes dropped by a destroy or a failure never call back (as always).
            Event::Written { err: Some(IoError::Destroyed), .. } => true,
            Event::Written { id, err } => {
                let cb = self.dones.borrow_mut().remove(&id);
                let Some(cb) = cb else { return true };
                let args = err.map(|e| vec![crate::api::net::error_of(&e).into()]).unwrap_or_default();
                let r = cb.call(&rt.engine, args);
                rt.settle(r, cb.source())
            }
            Event::Drain => {
                let hooks = std::mem::take(&mut *self.drain_hooks.borrow_mut());
                hooks.into_iter().for_each(|h| h());
                rt.emit_settled(&self.emitter, "drain", &[])
            }
            Event::Finish => rt.emit_settled(&self.emitter, "finish", &[]),
            Event::Error(e) => rt.emit_settled(&self.emitter, "error", &[crate::api::net::error_of(&e).into()]),
            Event::Close { .. } => rt.emit_settled(&self.emitter, "close", &[]),
            Event::Connect | Event::Data(_) | Event::End | Event::Accept(_) => true,
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
