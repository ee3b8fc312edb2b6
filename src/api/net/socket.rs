//! `net.Socket` over the event loop: connecting, reading into an [`Inbox`] until a
//! consumer takes the data, writing through a [`WriteQueue`], half-close, destroy.
//!
//! Timing follows libuv and Node: every connect outcome (even one the kernel gave at
//! once) reaches the script from the poll phase; `finish` follows the `shutdown`
//! done when the socket is next writable; `close` runs in the close phase, after
//! `error` when the socket broke. An open socket keeps the process alive while it
//! reads (if ref'd) or has writes, a connect or a shutdown in flight.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::os::fd::{IntoRawFd, OwnedFd, RawFd};
use std::rc::{Rc, Weak};

use rhai::{Dynamic, Engine, EvalAltResult, Map};

mod exit_flush;
mod io;

use super::errors;
use super::server::ServerInner;
use crate::api::events::EventTarget;
use crate::event_loop::Ready;
use crate::io::decode::TextMode;
use crate::io::readable::Readable as Inbox;
use crate::net::Endpoint;
use crate::net::queue::WriteQueue;
use crate::net::sys;
use crate::runtime::callback::Callback;
use crate::runtime::emitter::Emitter;
use crate::runtime::{RhaiResult, Runtime, Source, State, Task};
use crate::sys::errno::Errno;
use crate::value::error;

/// `write()` returns false from this much queued on (Node's writableHighWaterMark).
pub const HIGH_WATER: usize = 16 * 1024;
/// Read ahead this much while nobody consumes the data.
const READ_AHEAD: usize = 64 * 1024;
const READ_SIZE: usize = 64 * 1024;
/// Reads per readiness report, so one busy socket cannot starve the others.
const READS_PER_WAKE: usize = 16;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Phase {
    /// `net.Socket()` before `connect()`.
    Pending,
    Connecting,
    Open,
    Closed,
}

/// What a call into script gave: nothing, or the error it threw.
pub type Outcome = Result<(), Box<EvalAltResult>>;

/// Native code told that a write completed (`None`) or failed (the error).
pub type NativeDone = Rc<dyn Fn(&Engine, Option<Map>) -> RhaiResult>;

/// Who hears that a write completed (or failed).
pub enum Done {
    Script(Callback),
    Native(NativeDone),
}

impl Done {
    fn task(self, err: Option<Map>) -> Task {
        match self {
            Done::Script(cb) => Task::Call(cb, err.map(|e| vec![e.into()]).unwrap_or_default()),
            Done::Native(f) => Task::Native(Rc::new(move |engine: &Engine| f(engine, err.clone()))),
        }
    }
}

/// A native reader of the socket (the HTTP server): it gets the bytes instead of the
/// script's `data` listeners, as Node's parser consumes a socket directly.
pub trait Consumer {
    /// The connect finished; called before the script's `connect` listeners (the
    /// Redis client sends its handshake here).
    fn connected(&self, _engine: &Engine) -> Outcome {
        Ok(())
    }
    fn data(&self, engine: &Engine, bytes: Vec<u8>) -> Outcome;
    /// The peer will send no more.
    fn end(&self, engine: &Engine) -> Outcome;
    /// The socket broke; the script's `error` listeners (if any) hear it after this.
    fn error(&self, _engine: &Engine, _err: &Map) -> Outcome {
        Ok(())
    }
    /// The socket was destroyed.
    fn closed(&self);
    /// The write queue went below the high-water mark after a `write()` said false.
    fn drained(&self, _engine: &Engine) -> Outcome {
        Ok(())
    }
    /// After `data` (or a `resume`) gave an error: the rest of that read, if the
    /// consumer has more (node-ipc's frames after a throwing listener); each error is
    /// its own uncaught exception.
    fn resume(&self, _engine: &Engine) -> Option<Outcome> {
        None
    }
    /// The close phase of a destroyed socket: after `error`, before `close`.
    fn close_phase(&self, _engine: &Engine) -> Outcome {
        Ok(())
    }
    /// How the exit flush names the queued writes and the socket: `("write", "socket")`
    /// gives "3 writes … to the socket to 127.0.0.1:80".
    fn flush_names(&self) -> (&'static str, &'static str) {
        ("write", "socket")
    }
}

pub struct SocketInner {
    pub(super) st: Rc<State>,
    me: Weak<SocketInner>,
    pub(super) emitter: Emitter,
    fd: Cell<RawFd>,
    phase: Cell<Phase>,
    token: Cell<Option<u64>>,
    interest: Cell<(bool, bool)>,
    /// Holds the loop while active and ref'd.
    hold: Cell<Option<crate::event_loop::Hold>>,
    refd: Cell<bool>,
    /// Addresses still to try, the one being tried first.
    targets: RefCell<VecDeque<Endpoint>>,
    delayed_error: Cell<Option<Errno>>,
    remote: RefCell<Option<Endpoint>>,
    inbox: RefCell<Inbox>,
    pub(super) text: TextMode,
    flow_queued: Cell<bool>,
    /// The read side is over: `end` emitted, or EOF handed to the consumer.
    read_done: Cell<bool>,
    queue: RefCell<WriteQueue<Done>>,
    ending: Cell<bool>,
    shut: Cell<bool>,
    finished: Cell<bool>,
    destroy_on_finish: Cell<bool>,
    need_drain: Cell<bool>,
    destroyed: Cell<bool>,
    pub(super) allow_half_open: Cell<bool>,
    bytes_read: Cell<u64>,
    bytes_written: Cell<u64>,
    consumer: RefCell<Option<Rc<dyn Consumer>>>,
    /// The server that accepted us: kept alive until we close (Node's
    /// `socket.server`), so its `close` still comes after the script dropped it.
    server: RefCell<Option<Rc<ServerInner>>>,
    /// The socket itself while its descriptor is open: an open socket lives until it
    /// is closed, as in libuv's handle queue, not until the script drops it (a paused
    /// socket nobody holds must stay connected). Cleared when the descriptor closes.
    open: RefCell<Option<Rc<SocketInner>>>,
}

/// A script's `net.Socket`: a shared handle.
#[derive(Clone)]
pub struct Socket(pub Rc<SocketInner>);

impl Socket {
    /// A socket with no connection yet (`net.Socket()`).
    pub fn new(st: &Rc<State>) -> Socket {
        let s = Socket(Rc::new_cyclic(|me| SocketInner {
            st: st.clone(),
            me: me.clone(),
            emitter: Emitter::default(),
            fd: Cell::new(-1),
            phase: Cell::new(Phase::Pending),
            token: Cell::new(None),
            interest: Cell::new((false, false)),
            hold: Cell::new(None),
            refd: Cell::new(true),
            targets: RefCell::new(VecDeque::new()),
            delayed_error: Cell::new(None),
            remote: RefCell::new(None),
            inbox: RefCell::new(Inbox::default()),
            text: TextMode::default(),
            flow_queued: Cell::new(false),
            read_done: Cell::new(false),
            queue: RefCell::new(WriteQueue::default()),
            ending: Cell::new(false),
            shut: Cell::new(false),
            finished: Cell::new(false),
            destroy_on_finish: Cell::new(false),
            need_drain: Cell::new(false),
            destroyed: Cell::new(false),
            allow_half_open: Cell::new(false),
            bytes_read: Cell::new(0),
            bytes_written: Cell::new(0),
            consumer: RefCell::new(None),
            server: RefCell::new(None),
            open: RefCell::new(None),
        }));
        exit_flush::track(&s.0);
        s
    }

    /// A socket over a connected descriptor (accepted, or received from another
    /// process); it starts reading at once, as Node's do.
    pub fn from_fd(st: &Rc<State>, fd: OwnedFd) -> Socket {
        let s = Socket::new(st);
        let raw = fd.into_raw_fd();
        let _ = sys::adopt(raw);
        s.0.fd.set(raw);
        *s.0.open.borrow_mut() = Some(s.0.clone());
        s.0.phase.set(Phase::Open);
        *s.0.remote.borrow_mut() = sys::peer(raw);
        s.0.update();
        s
    }

    pub(super) fn set_server(&self, server: Rc<ServerInner>) {
        *self.0.server.borrow_mut() = Some(server);
    }

    /// Starts connecting to the first of `targets`, falling back to the next ones.
    pub fn connect(&self, targets: Vec<Endpoint>) {
        *self.0.targets.borrow_mut() = targets.into();
        self.0.connect_next();
    }

    /// The descriptor, while the socket is open (for handle passing).
    pub fn raw_fd(&self) -> Option<RawFd> {
        let fd = self.0.fd.get();
        (fd >= 0 && !self.0.destroyed.get()).then_some(fd)
    }

    pub fn phase(&self) -> Phase {
        self.0.phase.get()
    }

    /// Hands the socket's input to `c` from now on; what was read before (and an
    /// EOF already seen) reaches it on a tick.
    pub fn set_consumer(&self, c: Rc<dyn Consumer>) {
        *self.0.consumer.borrow_mut() = Some(c.clone());
        self.0.update();
        let (waiting, eof) = {
            let i = self.0.inbox.borrow();
            (!i.is_empty(), i.eof())
        };
        if waiting || eof {
            let me = self.0.clone();
            self.0.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| {
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

    /// Queues `bytes`; false when the caller should wait for `drain`.
    pub fn write(&self, bytes: Vec<u8>, done: Option<Done>) -> bool {
        self.0.write(bytes, done)
    }

    /// Half-closes once everything queued is written: `finish`, and `close` once the
    /// read side is over too.
    pub fn end(&self) {
        self.0.end();
    }

    /// `destroySoon`: end, then destroy as soon as the writes are out.
    pub fn destroy_soon(&self) {
        let i = &self.0;
        if i.finished.get() {
            i.destroy(None);
        } else {
            i.destroy_on_finish.set(true);
            i.end();
        }
    }

    /// Closes now, dropping what is queued; `error` (if `err`) then `close` follow in
    /// the close phase.
    pub fn destroy(&self, err: Option<Map>) {
        self.0.destroy(err);
    }

    pub fn pause(&self) {
        self.0.inbox.borrow_mut().flowing = Some(false);
        self.0.update();
    }

    pub fn resume(&self) {
        self.0.resume();
    }

    pub fn is_paused(&self) -> bool {
        self.0.inbox.borrow().flowing == Some(false)
    }

    pub fn set_encoding(&self, enc: Option<&'static str>) {
        match enc {
            Some(e) => self.0.text.set(e),
            None => self.0.text.clear(),
        }
    }

    pub fn encoding(&self) -> Option<&'static str> {
        self.0.text.encoding()
    }

    pub fn set_ref(&self, refd: bool) {
        self.0.refd.set(refd);
        self.0.update();
    }

    pub fn has_ref(&self) -> bool {
        self.0.refd.get()
    }

    pub fn remote(&self) -> Option<Endpoint> {
        self.0.remote.borrow().clone()
    }

    pub fn local(&self) -> Option<Endpoint> {
        self.raw_fd().and_then(sys::local)
    }

    pub fn destroyed(&self) -> bool {
        self.0.destroyed.get()
    }

    pub fn writable_length(&self) -> usize {
        self.0.queue.borrow().len()
    }

    pub fn bytes(&self) -> (u64, u64) {
        (self.0.bytes_read.get(), self.0.bytes_written.get())
    }

    /// Node's `readable` and `writable`.
    pub fn readable_writable(&self) -> (bool, bool) {
        let i = &self.0;
        let alive = !i.destroyed.get();
        (alive && !i.inbox.borrow().eof(), alive && !i.ending.get())
    }

    pub fn ending(&self) -> bool {
        self.0.ending.get()
    }
}

impl SocketInner {
    fn rc(&self) -> Rc<SocketInner> {
        self.me.upgrade().expect("a socket outlives its own calls")
    }

    fn connect_next(&self) {
        loop {
            let Some(to) = self.targets.borrow().front().cloned() else { return };
            match sys::connect(&to) {
                Ok((fd, delayed)) => {
                    self.fd.set(fd.into_raw_fd());
                    *self.open.borrow_mut() = Some(self.rc());
                    self.delayed_error.set(delayed);
                    self.phase.set(Phase::Connecting);
                    self.update();
                    return;
                }
                Err(errno) => {
                    if self.targets.borrow().len() > 1 {
                        self.targets.borrow_mut().pop_front();
                        continue;
                    }
                    return self.destroy(Some(errors::connect(errno, &to)));
                }
            }
        }
    }

    /// The connect finished (the socket became writable): open, or the next address,
    /// or `error`.
    fn on_connected(&self, rt: &Runtime) {
        let fd = self.fd.get();
        let connected = self.delayed_error.take().map_or_else(|| sys::take_error(fd), Err);
        if matches!(connected, Err(Errno::EINPROGRESS | Errno::EALREADY)) {
            return;
        }
        if let Err(errno) = connected {
            let failed = self.targets.borrow_mut().pop_front();
            if !self.targets.borrow().is_empty() {
                let _open = self.close_fd();
                return self.connect_next();
            }
            let to = failed.unwrap_or(Endpoint::Tcp(([0, 0, 0, 0], 0).into()));
            return self.destroy(Some(errors::connect(errno, &to)));
        }
        self.targets.borrow_mut().clear();
        self.phase.set(Phase::Open);
        *self.remote.borrow_mut() = sys::peer(fd);
        self.flush();
        self.update();
        let me = self.rc();
        let consumer = me.consumer.borrow().clone();
        let r = consumer
            .map_or(Ok(()), |c| c.connected(&rt.engine))
            .and_then(|_| me.emitter.emit(&rt.engine, "connect", &[]))
            .and_then(|_| me.emitter.emit(&rt.engine, "ready", &[]));
        rt.settle(r.map(|_| Dynamic::UNIT), None);
        rt.drain();
    }

    fn maybe_destroy(&self) {
        if self.read_done.get() && self.finished.get() {
            self.destroy(None);
        }
    }

    fn destroy(&self, err: Option<Map>) {
        if self.destroyed.replace(true) {
            return;
        }
        let _open = self.close_fd();
        self.phase.set(Phase::Closed);
        self.inbox.borrow_mut().clear();
        let dropped = self.queue.borrow_mut().clear();
        if !dropped.is_empty() {
            let e = error::coded("Error", "ERR_STREAM_DESTROYED", "Cannot call write after a stream was destroyed");
            for d in dropped {
                self.st.next_tick(d.task(Some(e.clone())));
            }
        }
        let server = self.server.borrow_mut().take();
        if let Some(server) = server {
            server.connection_closed();
        }
        let consumer = self.consumer.borrow().clone();
        if let Some(c) = consumer {
            c.closed();
        }
        let me = self.rc();
        let had_error = err.is_some();
        self.st.close_later(Task::Native(Rc::new(move |engine: &Engine| {
            if let Some(e) = &err {
                // A consumer (the HTTP server) handles its socket's errors, as Node's
                // own `error` listener does; the script's listeners still hear them.
                let consumer = me.consumer.borrow().clone();
                match consumer {
                    Some(c) => {
                        c.error(engine, e)?;
                        if me.emitter.has("error") {
                            me.emitter.emit(engine, "error", &[e.clone().into()])?;
                        }
                    }
                    None => {
                        me.emitter.emit(engine, "error", &[e.clone().into()])?;
                    }
                }
            }
            let consumer = me.consumer.borrow().clone();
            let r = consumer.map_or(Ok(()), |c| c.close_phase(engine));
            let r =
                r.and_then(|_| me.emitter.emit(engine, "close", &[Dynamic::from(had_error)]).map(|_| Dynamic::UNIT));
            // Nothing reaches the consumer after this: let it go, or a consumer that
            // holds its socket (an HTTP connection) and the socket keep each other alive.
            me.consumer.borrow_mut().take();
            r
        })));
    }

    #[must_use = "the socket may be freed when the returned self-reference drops"]
    fn close_fd(&self) -> Option<Rc<SocketInner>> {
        self.set_interest(false, false);
        self.set_hold(false);
        let fd = self.fd.replace(-1);
        if fd >= 0 {
            let _ = nix::unistd::close(fd);
        }
        // Handed to the caller, which still runs on `self`: it is dropped when the
        // caller returns, never under its feet.
        self.open.borrow_mut().take()
    }

    fn wants_read(&self) -> bool {
        let inbox = self.inbox.borrow();
        self.phase.get() == Phase::Open
            && !self.destroyed.get()
            && !inbox.eof()
            && inbox.flowing != Some(false)
            && (self.consumer.borrow().is_some() || inbox.flowing == Some(true) || inbox.len() < READ_AHEAD)
    }

    /// Brings the poller interest and the loop's liveness count in line with the state.
    fn update(&self) {
        if self.fd.get() < 0 || self.destroyed.get() {
            return;
        }
        let phase = self.phase.get();
        let connecting = phase == Phase::Connecting;
        let read = self.wants_read();
        let pending_shutdown = self.ending.get() && !self.shut.get();
        let write = connecting || (phase == Phase::Open && (!self.queue.borrow().is_empty() || pending_shutdown));
        self.set_interest(read, write);
        // Like libuv: requests in flight (connect, writes, shutdown) keep the loop
        // alive even when unref'd; reading only while ref'd.
        self.set_hold(write || (read && self.refd.get()));
    }

    fn set_interest(&self, read: bool, write: bool) {
        let fd = self.fd.get();
        let token = self.token.get();
        if (read, write) == self.interest.get() && (token.is_some() == (read || write)) {
            return;
        }
        self.interest.set((read, write));
        match (read || write, token) {
            (false, Some(t)) => {
                self.token.set(None);
                self.st.unwatch(fd, t);
            }
            (true, None) => match self.st.watch(fd, self.rc(), read, write) {
                Ok(t) => self.token.set(Some(t)),
                Err(e) => self.destroy(Some(error::syscall("epoll_ctl", e.raw_os_error().unwrap_or(libc::EIO)))),
            },
            (true, Some(t)) => {
                let _ = self.st.set_interest(fd, t, read, write);
            }
            (false, None) => {}
        }
    }

    fn set_hold(&self, hold: bool) {
        self.st.set_hold(&self.hold, hold);
    }
}

impl Drop for SocketInner {
    fn drop(&mut self) {
        let fd = self.fd.get();
        if fd >= 0 {
            let _ = nix::unistd::close(fd);
        }
    }
}

impl Source for SocketInner {
    fn on_ready(&self, rt: &Runtime, ready: Ready) {
        match self.phase.get() {
            Phase::Connecting => self.on_connected(rt),
            Phase::Open => {
                if ready.writable && self.interest.get().1 {
                    self.on_writable(rt);
                }
                if ready.readable && self.phase.get() == Phase::Open {
                    self.on_readable(rt);
                }
            }
            Phase::Pending | Phase::Closed => {}
        }
    }
}

impl EventTarget for Socket {
    fn emitter(&self) -> &Emitter {
        &self.0.emitter
    }

    fn listeners_changed(&self, event: &str) {
        if event == "data" && self.0.emitter.has("data") && self.0.inbox.borrow().flowing != Some(false) {
            self.0.resume();
        }
    }
}
