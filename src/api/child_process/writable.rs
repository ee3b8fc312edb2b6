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
//! Writes go straight to the pipe when it has room; the rest waits for the poller.
//! A reader that went away gives EPIPE (procbox ignores SIGPIPE): the write's
//! callback and an `error` event get `write EPIPE`, then `close`.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::os::fd::OwnedFd;
use std::rc::{Rc, Weak};

use rhai::{Dynamic, Engine, Map};

mod exit_flush;

use crate::api::events::EventTarget;
use crate::event_loop::Ready;
use crate::io::handle::Handle;
use crate::io::reactor::Interest;
use crate::runtime::callback::Callback;
use crate::runtime::emitter::Emitter;
use crate::runtime::{Runtime, Source, State, Task};
use crate::sys::errno::{Errno, SysResult};
use crate::sys::fd::write_some;
use crate::value::error;

/// `write()` returns false from this much queued on (Node's default highWaterMark).
pub const HIGH_WATER: usize = 16 * 1024;

struct Pending {
    data: Vec<u8>,
    done: usize,
    cb: Option<Callback>,
}

pub struct WritableInner {
    st: Rc<State>,
    me: Weak<WritableInner>,
    emitter: Emitter,
    /// The pipe (or file), open in the reactor (which keeps this stream alive) from
    /// creation until `close`; active, so holding the loop, while watched for room.
    /// `None` once closed, or for an inert stream.
    handle: RefCell<Option<Handle<Runtime>>>,
    queue: RefCell<VecDeque<Pending>>,
    queued: Cell<usize>,
    ending: Cell<bool>,
    finished: Cell<bool>,
    destroyed: Cell<bool>,
    close_queued: Cell<bool>,
    need_drain: Cell<bool>,
    /// Native `drain` listeners (a piped source waiting to resume).
    drain_hooks: RefCell<Vec<Box<dyn FnOnce()>>>,
    /// Who reads it, as the exit flush's warning names it.
    peer: RefCell<String>,
}

#[derive(Clone)]
pub struct Writable(pub Rc<WritableInner>);

fn stream_error(code: &str, message: &str) -> Map {
    error::coded("Error", code, message)
}

impl Writable {
    pub fn new(st: &Rc<State>, fd: Option<OwnedFd>) -> Writable {
        let inert = fd.is_none();
        let w = Writable(Rc::new_cyclic(|me| WritableInner {
            st: st.clone(),
            me: me.clone(),
            emitter: Emitter::default(),
            handle: RefCell::new(fd.map(|fd| Handle::new(fd, st.reactor()))),
            queue: RefCell::new(VecDeque::new()),
            queued: Cell::new(0),
            ending: Cell::new(false),
            finished: Cell::new(false),
            destroyed: Cell::new(inert),
            close_queued: Cell::new(inert),
            need_drain: Cell::new(false),
            drain_hooks: RefCell::new(Vec::new()),
            peer: RefCell::new("a write stream".into()),
        }));
        if let Some(h) = &*w.0.handle.borrow() {
            h.open(w.0.clone());
        }
        exit_flush::track(&w.0);
        w
    }

    /// Names the reader in the exit flush's warning ("the stdin of child 42").
    pub fn set_peer(&self, name: String) {
        *self.0.peer.borrow_mut() = name;
    }

    /// Queues `data`; false when the caller should wait for `drain`.
    pub fn write(&self, data: Vec<u8>, cb: Option<Callback>) -> bool {
        let i = &self.0;
        if i.destroyed.get() {
            let err = stream_error("ERR_STREAM_DESTROYED", "Cannot call write after a stream was destroyed");
            if let Some(cb) = cb {
                i.st.next_tick(Task::Call(cb, vec![err.into()]));
            }
            return false;
        }
        if i.ending.get() {
            let err = stream_error("ERR_STREAM_WRITE_AFTER_END", "write after end");
            if let Some(cb) = cb {
                i.st.next_tick(Task::Call(cb, vec![err.clone().into()]));
            }
            i.fail(err);
            return false;
        }
        let len = data.len();
        i.queue.borrow_mut().push_back(Pending { data, done: 0, cb });
        i.queued.set(i.queued.get() + len);
        if !i.watched() {
            i.flush();
        }
        let ok = i.queued.get() < HIGH_WATER;
        if !ok {
            i.need_drain.set(true);
        }
        ok
    }

    /// Closes once everything queued is written; `finish`, then `close`.
    pub fn end(&self) {
        let i = &self.0;
        if i.destroyed.get() || i.ending.replace(true) {
            return;
        }
        if i.queue.borrow().is_empty() {
            i.finish();
        }
    }

    /// Closes now, dropping what is queued; `close` follows.
    pub fn destroy(&self) {
        let i = &self.0;
        if i.destroyed.replace(true) {
            return;
        }
        i.drop_queue();
        i.queue_close();
    }

    /// Runs `f` at the next `drain` (the queue went below the high-water mark).
    pub fn on_drain(&self, f: Box<dyn FnOnce()>) {
        self.0.drain_hooks.borrow_mut().push(f);
    }

    pub fn writable(&self) -> bool {
        !self.0.destroyed.get() && !self.0.ending.get()
    }

    pub fn writable_length(&self) -> usize {
        self.0.queued.get()
    }
}

impl WritableInner {
    fn rc(&self) -> Rc<WritableInner> {
        self.me.upgrade().expect("a stream outlives its own calls")
    }

    /// Watched for room (a write is waiting).
    fn watched(&self) -> bool {
        self.handle.borrow().as_ref().is_some_and(|h| h.interest().write)
    }

    fn set_watch(&self, on: bool) {
        if let Some(h) = &*self.handle.borrow() {
            let ok = h.set_interest(if on { Interest::WRITE } else { Interest::NONE }).is_ok();
            h.set_active(on && ok);
        }
    }

    /// Writes what the descriptor takes now (EBADF once closed).
    fn write_now(&self, bytes: &[u8]) -> SysResult<usize> {
        self.handle.borrow().as_ref().map_or(Err(Errno::EBADF), |h| write_some(h.fd(), bytes))
    }

    /// Writes what the pipe takes now; callbacks of completed writes run on ticks.
    fn flush(&self) {
        loop {
            let mut q = self.queue.borrow_mut();
            let Some(front) = q.front_mut() else { break };
            match self.write_now(&front.data[front.done..]) {
                Ok(n) => {
                    front.done += n;
                    self.queued.set(self.queued.get() - n);
                    if front.done < front.data.len() {
                        drop(q);
                        self.set_watch(true);
                        return;
                    }
                    let done = q.pop_front().expect("front exists");
                    drop(q);
                    if let Some(cb) = done.cb {
                        self.st.next_tick(Task::Call(cb, vec![]));
                    }
                }
                Err(errno) => {
                    let failed = q.pop_front().and_then(|p| p.cb);
                    drop(q);
                    let err = error::syscall("write", errno);
                    if let Some(cb) = failed {
                        self.st.next_tick(Task::Call(cb, vec![err.clone().into()]));
                    }
                    self.fail(err);
                    return;
                }
            }
        }
        self.set_watch(false);
        if self.need_drain.replace(false) {
            let me = self.rc();
            self.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| {
                let hooks = std::mem::take(&mut *me.drain_hooks.borrow_mut());
                hooks.into_iter().for_each(|h| h());
                me.emitter.emit(engine, "drain", &[]).map(|_| Dynamic::UNIT)
            })));
        }
        if self.ending.get() {
            self.finish();
        }
    }

    fn finish(&self) {
        if self.finished.replace(true) {
            return;
        }
        self.queue_close();
        let me = self.rc();
        self.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| {
            me.emitter.emit(engine, "finish", &[]).map(|_| Dynamic::UNIT)
        })));
    }

    /// The stream broke: `error` on a tick (uncaught without a listener), then `close`.
    fn fail(&self, err: Map) {
        if self.destroyed.replace(true) {
            return;
        }
        self.drop_queue();
        let me = self.rc();
        self.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| {
            me.queue_close();
            me.emitter.emit(engine, "error", &[err.clone().into()]).map(|_| Dynamic::UNIT)
        })));
    }

    fn drop_queue(&self) {
        self.queue.borrow_mut().clear();
        self.queued.set(0);
        self.set_watch(false);
    }

    fn queue_close(&self) {
        self.set_watch(false);
        Handle::close_slot(&self.handle);
        if self.close_queued.replace(true) {
            return;
        }
        let me = self.rc();
        self.st.close_later(Task::Native(Rc::new(move |engine: &Engine| {
            me.emitter.emit(engine, "close", &[]).map(|_| Dynamic::UNIT)
        })));
    }
}

impl Source for WritableInner {
    fn on_ready(&self, rt: &Runtime, _ready: Ready) {
        self.flush();
        rt.drain();
    }
}

impl EventTarget for Writable {
    fn emitter(&self) -> &Emitter {
        &self.0.emitter
    }
}
