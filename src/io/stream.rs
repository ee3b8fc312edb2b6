//! `Stream<C>`: one open descriptor that reads and writes bytes (a socket, a pipe,
//! the fork channel's socketpair), with no scripting in it. What every binding used
//! to write for itself is here once: watching the descriptor for what the stream
//! wants, keeping the loop alive while it should, the write queue with completion
//! ids, backpressure, the half-close, destroy, and the timing of every event
//! (see `io::events`).
//!
//! The stream's read side is libuv's: `read_start`/`read_stop` say whether it reads,
//! each read is one [`Event::Data`]; buffering and flowing belong to the binding's
//! readable state (`io::readable`), which starts and stops the stream. The write side
//! is complete here: a binding only maps completion ids back to its callbacks.
//!
//! Liveness, as libuv: reading keeps the loop alive while the stream is ref'd;
//! writes, a connect and a pending shutdown keep it alive even when unref'd.
//! Ownership: an open stream is kept by the reactor's table and keeps its binding,
//! until it is destroyed, so a binding no script variable holds still hears its
//! events (a paused socket stays connected).

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::rc::{Rc, Weak};

use super::events::{Event, Handler, Hold, Interest, Io, IoError, Request, Source, When};
use super::write_queue::WriteQueue;
use crate::net::Endpoint;

pub use super::stream_opts::{DrainAt, Kind, OnReadError, ReadSize, StreamOpts};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Made, with no descriptor yet (`net.Socket()` before `connect()`).
    Idle,
    Connecting,
    Open,
    /// Destroyed: the descriptor is closed.
    Closed,
}

pub struct Stream<C: ?Sized + 'static> {
    pub(super) io: Io<C>,
    pub(super) opts: StreamOpts,
    pub(super) to: Weak<dyn Handler<C>>,
    me: Weak<Stream<C>>,
    /// The binding, kept while the stream is open (see the module doc).
    owner: RefCell<Option<Rc<dyn Handler<C>>>>,
    pub(super) fd: RefCell<Option<OwnedFd>>,
    token: Cell<Option<u64>>,
    interest: Cell<Interest>,
    hold: RefCell<Option<Hold>>,
    request: RefCell<Option<Request>>,
    refd: Cell<bool>,
    pub(super) phase: Cell<Phase>,
    pub(super) reading: Cell<bool>,
    pub(super) eof: Cell<bool>,
    pub(super) writes: RefCell<WriteQueue<u64>>,
    pub(super) need_drain: Cell<bool>,
    pub(super) ending: Cell<bool>,
    pub(super) shut: Cell<bool>,
    /// Addresses still to try, the one being tried first.
    pub(super) targets: RefCell<VecDeque<Endpoint>>,
    pub(super) delayed_error: Cell<Option<crate::sys::errno::Errno>>,
    pub(super) remote: RefCell<Option<Endpoint>>,
    /// The reused read buffer (`ReadSize::Reused`) or a pipe's scratch.
    pub(super) rbuf: RefCell<Vec<u8>>,
    /// The next read's size (grows with `ReadSize::Adaptive`).
    pub(super) read_size: Cell<usize>,
    /// Who reads what we write, as the exit flush's warning names it, when the
    /// stream has no remote address ("the stdin of child 42").
    pub(super) peer_name: RefCell<Option<String>>,
    pub(super) bytes_read: Cell<u64>,
    pub(super) bytes_written: Cell<u64>,
    /// In the exit flush (from the first write on: a stream that never writes, a
    /// child's stdout, costs it nothing).
    pub(super) in_flush: Cell<bool>,
    /// How the exit flush's warning names a write and the stream.
    pub(super) flush_names: Cell<(&'static str, &'static str)>,
    /// Writes queue without being written until `uncork` (see `stream_write`).
    pub(super) corked: Cell<bool>,
    /// A write failed and `write_error_keeps_reading` is set: nothing more is written.
    pub(super) write_broken: Cell<bool>,
}

impl<C: ?Sized + 'static> Stream<C> {
    /// A stream with no descriptor yet; [`Stream::adopt`] or [`Stream::connect`]
    /// gives it one. It joins the exit flush with its first write.
    pub fn new(io: &Io<C>, opts: StreamOpts, to: Weak<dyn Handler<C>>) -> Rc<Self> {
        Rc::new_cyclic(|me| Stream {
            io: io.clone(),
            opts,
            to,
            me: me.clone(),
            owner: RefCell::new(None),
            fd: RefCell::new(None),
            token: Cell::new(None),
            interest: Cell::new(Interest::default()),
            hold: RefCell::new(None),
            request: RefCell::new(None),
            refd: Cell::new(true),
            phase: Cell::new(Phase::Idle),
            reading: Cell::new(false),
            eof: Cell::new(false),
            writes: RefCell::new(WriteQueue::default()),
            need_drain: Cell::new(false),
            ending: Cell::new(false),
            shut: Cell::new(false),
            targets: RefCell::new(VecDeque::new()),
            delayed_error: Cell::new(None),
            remote: RefCell::new(None),
            rbuf: RefCell::new(Vec::new()),
            read_size: Cell::new(match opts.read_size {
                ReadSize::Fixed(n) | ReadSize::Reused(n) | ReadSize::Adaptive { first: n, .. } => n,
            }),
            peer_name: RefCell::new(None),
            bytes_read: Cell::new(0),
            bytes_written: Cell::new(0),
            in_flush: Cell::new(false),
            flush_names: Cell::new(("write", if opts.kind == Kind::Pipe { "pipe" } else { "socket" })),
            corked: Cell::new(false),
            write_broken: Cell::new(false),
        })
    }

    /// A stream over an open descriptor (accepted, inherited, a pipe end): `to` must
    /// be alive already (it is kept while the stream is open).
    pub fn open(io: &Io<C>, fd: OwnedFd, opts: StreamOpts, to: Weak<dyn Handler<C>>) -> Rc<Self> {
        let s = Stream::new(io, opts, to);
        s.adopt(fd);
        s
    }

    /// Gives an idle stream its open descriptor.
    pub fn adopt(&self, fd: OwnedFd) {
        if self.phase.get() != Phase::Idle {
            return;
        }
        if self.opts.nonblocking {
            let _ = crate::sys::socket::adopt(fd.as_fd());
        }
        if self.opts.kind != Kind::Pipe {
            *self.remote.borrow_mut() = crate::sys::socket::peer(fd.as_fd());
        }
        self.install(fd);
        self.phase.set(Phase::Open);
        self.update();
    }

    pub(super) fn rc(&self) -> Rc<Self> {
        self.me.upgrade().expect("a stream outlives its own calls")
    }

    /// Takes `fd` as the descriptor; the first one opens the stream in the reactor.
    pub(super) fn install(&self, fd: OwnedFd) {
        if self.token.get().is_none() {
            let src: Rc<dyn Source<C>> = self.rc();
            self.token.set(Some(self.io.reactor.open(src)));
            *self.owner.borrow_mut() = self.to.upgrade();
        }
        *self.fd.borrow_mut() = Some(fd);
    }

    /// Unwatches and closes the descriptor; the stream stays in the reactor's table.
    pub(super) fn release_fd(&self) {
        self.set_interest(Interest::default());
        self.fd.borrow_mut().take();
        self.interest.set(Interest::default());
        self.hold.borrow_mut().take();
        self.request.borrow_mut().take();
    }

    pub fn phase(&self) -> Phase {
        self.phase.get()
    }

    /// The descriptor's number while open (tests check it is closed); system calls
    /// borrow the descriptor through [`Stream::with_fd`].
    pub fn raw_fd(&self) -> Option<RawFd> {
        self.fd.borrow().as_ref().map(|f| f.as_raw_fd())
    }

    /// Lends the open descriptor to `f` (socket options, a duplicate to pass on).
    pub fn with_fd<R>(&self, f: impl FnOnce(BorrowedFd<'_>) -> R) -> Option<R> {
        self.fd.borrow().as_ref().map(|fd| f(fd.as_fd()))
    }

    pub fn remote(&self) -> Option<Endpoint> {
        self.remote.borrow().clone()
    }

    /// Bytes read and written so far.
    pub fn bytes(&self) -> (u64, u64) {
        (self.bytes_read.get(), self.bytes_written.get())
    }

    /// Queued bytes not yet written (Node's `writableLength`).
    pub fn writable_length(&self) -> usize {
        self.writes.borrow().len()
    }

    pub fn is_ending(&self) -> bool {
        self.ending.get()
    }

    /// `end()` took effect (the write side is shut, or a pipe's closed).
    pub fn finished(&self) -> bool {
        self.shut.get()
    }

    /// The peer's EOF was read.
    pub fn read_eof(&self) -> bool {
        self.eof.get()
    }

    /// Names for the exit flush's warning: `("message", "IPC connection")` gives "3
    /// messages … to the IPC connection to …".
    pub fn set_flush_names(&self, names: (&'static str, &'static str)) {
        self.flush_names.set(names);
    }

    pub fn set_ref(&self, on: bool) {
        self.refd.set(on);
        self.update();
    }

    pub fn has_ref(&self) -> bool {
        self.refd.get()
    }

    /// Delivers `ev` now (only from a readiness report) or later.
    pub(super) fn emit(&self, cx: Option<&C>, when: When, ev: Event) {
        let Some(to) = self.to.upgrade() else { return };
        match (when, cx) {
            (When::Now, Some(cx)) => {
                let ok = to.event(cx, ev);
                self.io.host.after_event(cx, ok);
            }
            _ => self.io.host.post(when, to, ev),
        }
    }

    /// Closes now, dropping what is queued: each dropped write's completion hears
    /// `Destroyed` on a tick; `Error` (if `err`) then `Close` follow in the close phase.
    pub fn destroy(&self, err: Option<IoError>) {
        if self.phase.replace(Phase::Closed) == Phase::Closed {
            return;
        }
        self.release_fd();
        if let Some(t) = self.token.take() {
            self.io.reactor.close(t);
        }
        self.targets.borrow_mut().clear();
        self.reading.set(false);
        let dropped = self.writes.borrow_mut().clear();
        if let Some(to) = self.to.upgrade() {
            to.destroyed();
        }
        for id in dropped {
            self.emit(None, When::Tick, Event::Written { id, err: Some(IoError::Destroyed) });
        }
        let had_error = err.is_some();
        if let Some(e) = err {
            self.emit(None, if self.opts.error_on_tick { When::Tick } else { When::Close }, Event::Error(e));
        }
        self.emit(None, When::Close, Event::Close { had_error });
        // The posted events keep the binding until they are delivered.
        let owner = self.owner.borrow_mut().take();
        drop(owner);
    }

    pub fn destroyed(&self) -> bool {
        self.phase.get() == Phase::Closed
    }

    /// Brings the watched interest and the loop's liveness in line with the state.
    pub(super) fn update(&self) {
        let phase = self.phase.get();
        if phase == Phase::Closed || self.fd.borrow().is_none() {
            return;
        }
        let open = phase == Phase::Open;
        let read = open && self.reading.get() && !self.eof.get();
        let pending_shut = self.ending.get() && !self.shut.get();
        // Corked writes wait for `uncork` unless the descriptor is watched already.
        let queued = self.writes.borrow().has_output_now()
            && !self.write_broken.get()
            && (!self.corked.get() || self.interest.get().write);
        let write = phase == Phase::Connecting || (open && (queued || pending_shut));
        self.set_interest(Interest { read, write });
        if self.phase.get() == Phase::Closed {
            return;
        }
        set_guard(&self.hold, read && self.refd.get(), || self.io.reactor.hold());
        set_guard(&self.request, write && self.opts.writes_keep_alive, || self.io.reactor.request());
    }

    fn set_interest(&self, i: Interest) {
        if i == self.interest.get() {
            return;
        }
        let Some(token) = self.token.get() else { return };
        let r = match self.fd.borrow().as_ref() {
            Some(fd) => self.io.reactor.set_interest(fd.as_fd(), token, i),
            None => return,
        };
        match r {
            Ok(()) => self.interest.set(i),
            Err(e) => self.destroy(Some(IoError::sys(e, "epoll_ctl"))),
        }
    }

    /// Where the ready report lands.
    pub(super) fn interest(&self) -> Interest {
        self.interest.get()
    }
}

fn set_guard<G>(slot: &RefCell<Option<G>>, on: bool, take: impl FnOnce() -> G) {
    let held = slot.borrow().is_some();
    if on && !held {
        *slot.borrow_mut() = Some(take());
    } else if !on && held {
        slot.borrow_mut().take();
    }
}
