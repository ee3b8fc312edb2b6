//! `net.Socket`: an adapter over the I/O core's [`Stream`], which connects, reads,
//! writes, half-closes and destroys, keeps the loop alive and times every event
//! (libuv's and Node's rules: every connect outcome reaches the script from the poll
//! phase, `finish` follows the `shutdown` done when the socket is next writable,
//! `close` runs in the close phase after `error`). What stays here is Node's
//! readable side ([`Inbox`]: flowing, read-ahead, `end` once), the script's
//! callbacks, the native consumer (HTTP, Redis) and the server link.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::os::fd::{BorrowedFd, OwnedFd};
use std::rc::{Rc, Weak};

use rhai::{Engine, EvalAltResult, Map};

mod handler;
pub(crate) use handler::error_of;
mod io;

use super::server::ServerInner;
use crate::api::events::EventTarget;
use crate::io::decode::TextMode;
use crate::io::readable::Readable as Inbox;
use crate::io::{Stream, StreamOpts, stream};
use crate::net::Endpoint;
use crate::net::sys;
use crate::runtime::callback::Callback;
use crate::runtime::emitter::Emitter;
use crate::runtime::{RhaiResult, Runtime, State};

/// `write()` returns false from this much queued on (Node's writableHighWaterMark).
pub const HIGH_WATER: usize = 16 * 1024;
/// Read ahead this much while nobody consumes the data.
const READ_AHEAD: usize = 64 * 1024;

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
    /// Runs the callback now; false if it threw (see `io::Handler::event`).
    fn call(self, rt: &Runtime, err: Option<Map>) -> bool {
        match self {
            Done::Script(cb) => {
                let r = cb.call(&rt.engine, err.map(|e| vec![e.into()]).unwrap_or_default());
                rt.settle(r, cb.source())
            }
            Done::Native(f) => rt.settle(f(&rt.engine, err), None),
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
    stream: Rc<Stream<Runtime>>,
    inbox: RefCell<Inbox>,
    pub(super) text: TextMode,
    flow_queued: Cell<bool>,
    /// The read side is over: `end` emitted, or EOF handed to the consumer.
    read_done: Cell<bool>,
    finished: Cell<bool>,
    destroy_on_finish: Cell<bool>,
    pub(super) allow_half_open: Cell<bool>,
    /// Write callbacks by completion id.
    dones: RefCell<HashMap<u64, Done>>,
    next_id: Cell<u64>,
    /// The error a script's `destroy(err)` gave, for the `error` event.
    destroy_error: RefCell<Option<Map>>,
    /// The `error` listeners threw: no `close` (as before the stream core).
    error_threw: Cell<bool>,
    consumer: RefCell<Option<Rc<dyn Consumer>>>,
    /// The server that accepted us: kept alive until we close (Node's
    /// `socket.server`), so its `close` still comes after the script dropped it.
    server: RefCell<Option<Rc<ServerInner>>>,
}

/// A script's `net.Socket`: a shared handle.
#[derive(Clone)]
pub struct Socket(pub Rc<SocketInner>);

impl Socket {
    /// A socket with no connection yet (`net.Socket()`).
    pub fn new(st: &Rc<State>) -> Socket {
        let io = st.io();
        Socket(crate::api::stream_api::new_adapter(|me, to| SocketInner {
            st: st.clone(),
            me: me.clone(),
            emitter: Emitter::default(),
            stream: Stream::new(&io, StreamOpts { high_water: HIGH_WATER, ..StreamOpts::socket() }, to),
            inbox: RefCell::new(Inbox::default()),
            text: TextMode::default(),
            flow_queued: Cell::new(false),
            read_done: Cell::new(false),
            finished: Cell::new(false),
            destroy_on_finish: Cell::new(false),
            allow_half_open: Cell::new(false),
            dones: RefCell::new(HashMap::new()),
            next_id: Cell::new(0),
            destroy_error: RefCell::new(None),
            error_threw: Cell::new(false),
            consumer: RefCell::new(None),
            server: RefCell::new(None),
        }))
    }

    /// A socket over a connected descriptor (accepted, or received from another
    /// process); it starts reading at once, as Node's do.
    pub fn from_fd(st: &Rc<State>, fd: OwnedFd) -> Socket {
        let s = Socket::new(st);
        s.0.stream.adopt(fd);
        s.0.update();
        s
    }

    pub(super) fn set_server(&self, server: Rc<ServerInner>) {
        *self.0.server.borrow_mut() = Some(server);
    }

    /// Starts connecting to the first of `targets`, falling back to the next ones.
    pub fn connect(&self, targets: Vec<Endpoint>) {
        self.0.update();
        self.0.stream.connect(targets);
    }

    /// Lends the descriptor to `f` while the socket is open (socket options).
    pub fn with_fd<R>(&self, f: impl FnOnce(BorrowedFd<'_>) -> R) -> Option<R> {
        self.0.stream.with_fd(f)
    }

    /// A duplicate of the descriptor while the socket is open (handle passing).
    pub fn dup_fd(&self) -> Option<OwnedFd> {
        self.with_fd(sys::dup).and_then(Result::ok)
    }

    pub fn phase(&self) -> Phase {
        match self.0.stream.phase() {
            stream::Phase::Idle => Phase::Pending,
            stream::Phase::Connecting => Phase::Connecting,
            stream::Phase::Open => Phase::Open,
            stream::Phase::Closed => Phase::Closed,
        }
    }

    /// Hands the socket's input to `c` from now on; what was read before (and an
    /// EOF already seen) reaches it on a tick.
    pub fn set_consumer(&self, c: Rc<dyn Consumer>) {
        self.0.set_consumer(c);
    }

    /// Queues `bytes`; false when the caller should wait for `drain`.
    pub fn write(&self, bytes: Vec<u8>, done: Option<Done>) -> bool {
        self.0.write(bytes, done)
    }

    /// Half-closes once everything queued is written: `finish`, and `close` once the
    /// read side is over too.
    pub fn end(&self) {
        self.0.stream.end();
    }

    /// `destroySoon`: end, then destroy as soon as the writes are out.
    pub fn destroy_soon(&self) {
        let i = &self.0;
        if i.finished.get() {
            i.destroy(None);
        } else {
            i.destroy_on_finish.set(true);
            i.stream.end();
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
        self.0.stream.set_ref(refd);
    }

    pub fn has_ref(&self) -> bool {
        self.0.stream.has_ref()
    }

    pub fn remote(&self) -> Option<Endpoint> {
        self.0.stream.remote()
    }

    pub fn local(&self) -> Option<Endpoint> {
        self.with_fd(sys::local).flatten()
    }

    pub fn destroyed(&self) -> bool {
        self.0.stream.destroyed()
    }

    pub fn writable_length(&self) -> usize {
        self.0.stream.writable_length()
    }

    pub fn bytes(&self) -> (u64, u64) {
        self.0.stream.bytes()
    }

    /// Node's `readable` and `writable`.
    pub fn readable_writable(&self) -> (bool, bool) {
        let i = &self.0;
        let alive = !i.stream.destroyed();
        (alive && !i.inbox.borrow().eof(), alive && !i.stream.is_ending())
    }

    pub fn ending(&self) -> bool {
        self.0.stream.is_ending()
    }
}

impl SocketInner {
    fn rc(&self) -> Rc<SocketInner> {
        self.me.upgrade().expect("a socket outlives its own calls")
    }

    fn maybe_destroy(&self) {
        if self.read_done.get() && self.finished.get() {
            self.destroy(None);
        }
    }

    fn destroy(&self, err: Option<Map>) {
        if self.stream.destroyed() {
            return;
        }
        let err = err.map(|e| {
            *self.destroy_error.borrow_mut() = Some(e);
            crate::io::IoError::Destroyed
        });
        self.stream.destroy(err);
    }

    fn wants_read(&self) -> bool {
        let inbox = self.inbox.borrow();
        !inbox.eof()
            && inbox.flowing != Some(false)
            && (self.consumer.borrow().is_some() || inbox.flowing == Some(true) || inbox.len() < READ_AHEAD)
    }

    /// Starts or stops the stream's reading to match the readable state.
    fn update(&self) {
        if self.stream.destroyed() {
            return;
        }
        let want = self.wants_read();
        if want != self.stream.is_reading() {
            if want { self.stream.read_start() } else { self.stream.read_stop() }
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
