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
//! The descriptor is an [`io::handle::Handle`](super::handle::Handle), and so is the
//! liveness, as libuv: the handle is active while reading, so it holds the loop
//! while the stream is ref'd; writes, a connect and a pending shutdown are the
//! handle's pending request, which keeps the loop alive even when unref'd.
//! [`Stream::update`] turns the stream's state into the handle's interest, activity
//! and request after each change; closing the handle is the only way the
//! descriptor closes. Ownership: an open stream is kept by the reactor's table and
//! keeps its binding, until it is destroyed, so a binding no script variable holds
//! still hears its events (a paused socket stays connected).

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::rc::{Rc, Weak};

use super::events::{Event, Handler, Interest, Io, IoError, Source, When};
use super::handle::Handle;
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
    /// The descriptor, open in the reactor, while the stream has one.
    handle: RefCell<Option<Handle<C>>>,
    /// `ref()`/`unref()`, kept here too: a stream may be unref'd before it has a
    /// handle, and a connect that falls back to the next address gets a new one.
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
            handle: RefCell::new(None),
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

    /// Takes `fd` as the descriptor: a handle open in the reactor with the stream as
    /// its source; the stream keeps its binding from the first one on.
    pub(super) fn install(&self, fd: OwnedFd) {
        let h = Handle::new(fd, &self.io.reactor);
        let src: Rc<dyn Source<C>> = self.rc();
        h.open(src);
        h.set_ref(self.refd.get());
        let old = self.handle.replace(Some(h));
        drop(old);
        if self.owner.borrow().is_none() {
            *self.owner.borrow_mut() = self.to.upgrade();
        }
    }

    /// Closes the handle: unwatched, out of the reactor's table, the loop released,
    /// the descriptor closed.
    pub(super) fn close_handle(&self) {
        let h = self.handle.borrow_mut().take();
        if let Some(h) = h {
            h.close();
        }
    }

    pub fn phase(&self) -> Phase {
        self.phase.get()
    }

    /// The descriptor's number while open, for tests to check it is closed; code
    /// borrows the descriptor through [`Stream::with_fd`].
    #[cfg(test)]
    pub fn raw_fd(&self) -> Option<std::os::fd::RawFd> {
        use std::os::fd::AsRawFd;
        self.with_fd(|fd| fd.as_raw_fd())
    }

    /// Lends the open descriptor to `f` (socket options, a duplicate to pass on, a
    /// system call). `f` must not call back into the stream.
    pub fn with_fd<R>(&self, f: impl FnOnce(BorrowedFd<'_>) -> R) -> Option<R> {
        self.handle.borrow().as_ref().map(|h| f(h.fd()))
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

    /// Names for the exit flush's warning: `("message", "IPC connection")` gives "3
    /// messages … to the IPC connection to …".
    pub fn set_flush_names(&self, names: (&'static str, &'static str)) {
        self.flush_names.set(names);
    }

    pub fn set_ref(&self, on: bool) {
        self.refd.set(on);
        if let Some(h) = self.handle.borrow().as_ref() {
            h.set_ref(on);
        }
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
        self.close_handle();
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

    /// Brings the handle in line with the state: watched for what the stream wants,
    /// active while reading (so it holds the loop while ref'd), a request pending
    /// while it has something to write, connects or shuts down.
    pub(super) fn update(&self) {
        let phase = self.phase.get();
        if phase == Phase::Closed {
            return;
        }
        let handle = self.handle.borrow();
        let Some(h) = handle.as_ref() else { return };
        let open = phase == Phase::Open;
        let read = open && self.reading.get() && !self.eof.get();
        let pending_shut = self.ending.get() && !self.shut.get();
        // Corked writes wait for `uncork` unless the descriptor is watched already.
        let queued = self.writes.borrow().has_output_now()
            && !self.write_broken.get()
            && (!self.corked.get() || h.interest().write);
        let write = phase == Phase::Connecting || (open && (queued || pending_shut));
        if let Err(e) = h.set_interest(Interest { read, write }) {
            drop(handle);
            return self.destroy(Some(IoError::sys(e, "epoll_ctl")));
        }
        h.set_active(read);
        h.set_pending(write && self.opts.writes_keep_alive);
    }

    /// Where the ready report lands.
    pub(super) fn interest(&self) -> Interest {
        self.handle.borrow().as_ref().map_or(Interest::NONE, |h| h.interest())
    }
}
