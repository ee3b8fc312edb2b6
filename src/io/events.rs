//! The one way the I/O core talks to whoever binds it: core objects (streams,
//! listeners, wake descriptors) turn readiness into [`Event`]s and hand them to a
//! [`Handler`] (a binding: a script's socket, a server, the fs work queue, a test
//! recorder), now or through the [`Host`] on a later phase of the loop. There is no
//! second trait: a listener's accepted connection is an [`Event::Accepted`], its
//! failed `accept` an [`Event::Error`], and a wake descriptor (`io::wake`: the fs
//! work queue's eventfd, the signal pipe, the REPL's wake pipe) is
//! [`Handler::ready`].
//!
//! The timing rules live in the core, once: what comes straight out of a readiness
//! report (data, end, connect, finish, and the write completions and `drain` of a
//! write that went out when the descriptor became writable) is delivered
//! [`When::Now`], in the poll phase; completions and `drain` of a write that went
//! out at once, inside `write()`, on a tick ([`When::Tick`], as Node's
//! `afterWriteTick`); `error` and `close` of a destroyed object in the close phase
//! ([`When::Close`]), `error` first.
//!
//! A handler only calls into script and says whether that threw
//! ([`Handler::event`]'s result); what follows a callback (the runtime's drain of
//! nextTicks and microtasks, or leaving it owed after a handled throw) is the
//! host's: on its tick and close-phase queues, and [`Host::after_event`] after an
//! event delivered at once. The host also runs the core's few timers and exit hooks
//! (a listener's back-off and its socket file: [`Host::after`], [`Host::at_exit`]).

use std::os::fd::{BorrowedFd, OwnedFd};
use std::rc::{Rc, Weak};

use crate::sys::errno::Errno;

use super::flush::Pending;
pub use super::reactor::{Interest, Reactor, Source};
use crate::net::Endpoint;

/// What happened to a core object. Not `Clone`: posted once, taken once.
#[derive(Debug)]
pub enum Event {
    /// An outgoing connection is established.
    Connect,
    /// Bytes read (a `Vec` per read: the binding keeps it, no copy).
    Data(Vec<u8>),
    /// The peer will send no more (EOF).
    End,
    /// The write queue went low (see the stream's `DrainAt`) after a `write` said false;
    /// sent before the completions of the flush that let it go low, and never after
    /// `end()` (Node's `afterWrite`).
    Drain,
    /// `end()` took effect: everything queued was written and the write side shut.
    Finish,
    /// A write with a completion id finished (`err: None`) or was dropped; these come
    /// in write order.
    Written { id: u64, err: Option<IoError> },
    /// A stream broke; [`Event::Close`] follows. From a listener: `accept` failed
    /// (`IoError::Sys`, syscall `accept`); it goes on listening (after a back-off
    /// when out of descriptors) and sends no `Close`.
    Error(IoError),
    /// The object is closed: the last event it sends.
    Close { had_error: bool },
    /// A listener accepted a connection: the descriptor is the binding's now.
    Accepted(OwnedFd),
}

/// When an event reaches its handler.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// At once: only from a readiness report (the poll phase), where the core has
    /// the context to call the handler with.
    Now,
    /// On the next tick (Node's `process.nextTick` queue).
    Tick,
    /// In this loop turn's close phase.
    Close,
}

/// A binding: what hears a core object's events.
pub trait Handler<C: ?Sized> {
    /// Hears `ev`. False when script it called threw and the throw was handled
    /// (`uncaughtException`): as in Node, the rest of that drain is then owed (the
    /// tick queue stops there), so the caller must know. A handler never drains
    /// itself.
    fn event(&self, cx: &C, ev: Event) -> bool;
    /// Instead of [`Event::Data`] when the stream reads into one reused buffer: the
    /// bytes are borrowed from it, with the descriptors that came along (SCM_RIGHTS);
    /// the fork channel frames here, with no `Vec` per read.
    fn read(&self, _cx: &C, _bytes: &[u8], _fds: Vec<OwnedFd>) {}
    /// A wake descriptor (`io::wake`: an eventfd or self-pipe another thread or a
    /// signal handler writes) is readable: the binding reads `fd` and runs what it
    /// says. One wake may carry several results (fs completions, signals), each its
    /// own callback into script with its own drain, so the binding runs those drains
    /// itself (as `read` does) and the host adds none.
    fn ready(&self, _cx: &C, _fd: BorrowedFd<'_>) {}
    /// Called at once (no context needed) when the object is destroyed, whoever
    /// destroyed it: `Error` and `Close` follow in the close phase. A binding drops
    /// what it buffered and tells its owners here (a server counting connections).
    fn destroyed(&self) {}
}

/// What the core needs from whoever runs the loop (the runtime; a recorder in tests).
pub trait Host<C: ?Sized> {
    /// Delivers `ev` to `to` when `when` says ([`When::Now`] runs it at once).
    fn post(&self, when: When, to: Rc<dyn Handler<C>>, ev: Event);
    /// After a handler heard an event at once ([`When::Now`]), with what it returned:
    /// the host runs what follows a callback (the runtime drains, or leaves the
    /// drain owed when `ok` is false).
    fn after_event(&self, cx: &C, ok: bool);
    /// Registers a writer with the process's exit flush (`io::flush`): what it still
    /// has queued at exit is written then.
    fn flush_at_exit(&self, w: Weak<dyn Pending>);
    /// Runs `f` once, `ms` milliseconds from now, from a timer that does not keep the
    /// loop alive (a listener's back-off).
    fn after(&self, ms: u64, f: Box<dyn FnOnce()>);
    /// Runs `f` when the process exits (a listener's socket-file unlink).
    fn at_exit(&self, f: Box<dyn Fn()>);
}

/// The context every core object is built with: the reactor that watches its
/// descriptor (the runtime's; a test's own) and the host that runs its events.
pub struct Io<C: ?Sized> {
    pub reactor: Rc<Reactor<C>>,
    pub host: Rc<dyn Host<C>>,
}

impl<C: ?Sized> Clone for Io<C> {
    fn clone(&self) -> Self {
        Io { reactor: self.reactor.clone(), host: self.host.clone() }
    }
}

/// Why an I/O operation failed, before a binding shapes it into its error object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IoError {
    /// A system call failed (Node's `{ errno, code, syscall }`).
    Sys { errno: Errno, syscall: &'static str },
    /// The last address a connect tried refused it (Node names the address).
    Connect { errno: Errno, to: Endpoint },
    /// The stream was destroyed before the write went out (`ERR_STREAM_DESTROYED`).
    Destroyed,
    /// A write after `end()` (`ERR_STREAM_WRITE_AFTER_END`).
    WriteAfterEnd,
}

impl IoError {
    pub fn sys(errno: Errno, syscall: &'static str) -> IoError {
        IoError::Sys { errno, syscall }
    }
}
