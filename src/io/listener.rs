//! A listening socket, Rhai-free: accepting, backing off when the process
//! is out of descriptors, the socket file it bound, and whether it keeps the loop
//! alive. `net.Server` (and so `http.Server`) and node-ipc's server are adapters
//! over it: a [`Handler`] like every binding, hearing [`Event::Accepted`] and, when
//! `accept` fails, [`Event::Error`], both at once from the readiness report (then the
//! host's `after_event`, as for a stream's data).
//!
//! Rules (libuv's, where it has one):
//! - one connection per readiness report (libuv's `uv__server_io` since 1.45, in
//!   Node 20): the next one waits for the next poll, after the check phase, so the
//!   immediates a `connection` listener queued run before the next `connection`;
//! - `EMFILE`/`ENFILE`/`ENOBUFS`/`ENOMEM` from `accept`: the connection waits in the
//!   kernel's queue and the socket stays readable, so the listener stops watching it
//!   for [`BACK_OFF_MS`] (an unref'd timer holding a `Weak`: it keeps nothing alive)
//!   and the binding hears the error. libuv keeps a spare descriptor instead; a pause
//!   needs none;
//! - an open listener owns its binding (the handle queue's rule): a server the script
//!   dropped still accepts until it is closed, and `close()` lets it go;
//! - it keeps the loop alive while open and ref'd, in back-off too;
//! - a bound Unix path ([`SocketFile`]) is unlinked on `close()`, when the listener
//!   is dropped, and at exit through a weak at-exit hook (a process that ends while
//!   listening leaves no file behind).
//!
//! The descriptor is an [`io::handle::Handle`](crate::io::handle::Handle): open in
//! the reactor (whose table keeps the listener, and so its binding, alive) from
//! `listen` to `close`, active for as long (its hold is the loop's ref), and closed
//! only by `Handle::close`. A back-off is an empty interest, not a close. What the
//! reactor does not do, the back-off timer and the at-exit hook, comes from the same
//! [`Host`] that runs a stream's events (`Host::after`, `Host::at_exit`).

use std::cell::RefCell;
use std::os::fd::OwnedFd;
use std::path::PathBuf;
use std::rc::{Rc, Weak};

use super::events::{Event, Handler, Host, Io, IoError};
use super::handle::Handle;
use super::reactor::{Interest, Ready, Source};
use crate::net::Endpoint;
use crate::sys::errno::{Errno, SysResult};
use crate::sys::socket;

/// How long to stop accepting when out of descriptors.
pub const BACK_OFF_MS: u64 = 100;

/// A Unix socket path this process bound: removed when dropped.
pub struct SocketFile {
    path: PathBuf,
}

impl SocketFile {
    pub fn new(path: PathBuf) -> SocketFile {
        SocketFile { path }
    }
}

impl Drop for SocketFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

pub struct Listener<C: ?Sized> {
    host: Rc<dyn Host<C>>,
    me: Weak<Listener<C>>,
    /// The listening socket while open; watched for reading except in a back-off.
    handle: RefCell<Option<Handle<C>>>,
    file: RefCell<Option<SocketFile>>,
    /// The binding, kept while open.
    to: RefCell<Option<Rc<dyn Handler<C>>>>,
}

impl<C: ?Sized + 'static> Listener<C> {
    /// Opens `fd` (already listening, non-blocking) in `io`'s reactor and watches
    /// it; `to` hears what it accepts. A failure to watch closes `fd` and unlinks
    /// `file`.
    pub fn listen(
        io: &Io<C>,
        fd: OwnedFd,
        file: Option<SocketFile>,
        to: Rc<dyn Handler<C>>,
    ) -> SysResult<Rc<Listener<C>>> {
        let has_file = file.is_some();
        let l = Rc::new_cyclic(|me| Listener {
            host: io.host.clone(),
            me: me.clone(),
            handle: RefCell::new(Some(Handle::new(fd, &io.reactor))),
            file: RefCell::new(file),
            to: RefCell::new(Some(to)),
        });
        let watched = l.handle.borrow().as_ref().map(|h| {
            h.open(l.clone());
            h.set_active(true);
            h.set_interest(Interest::READ)
        });
        if let Some(Err(e)) = watched {
            l.close();
            return Err(e);
        }
        if has_file {
            let w = Rc::downgrade(&l);
            l.host.at_exit(Box::new(move || {
                if let Some(l) = w.upgrade() {
                    drop(l.file.borrow_mut().take());
                }
            }));
        }
        Ok(l)
    }

    pub fn listening(&self) -> bool {
        self.handle.borrow().is_some()
    }

    /// A duplicate of the listening descriptor while open, for handing it on; the
    /// listener keeps its own.
    pub fn dup_fd(&self) -> Option<OwnedFd> {
        self.handle.borrow().as_ref().and_then(|h| crate::sys::fd::dup_cloexec(h.fd()).ok())
    }

    /// The bound address while open (`server.address()`).
    pub fn local(&self) -> Option<Endpoint> {
        self.handle.borrow().as_ref().and_then(|h| socket::local(h.fd()))
    }

    /// `ref()`/`unref()`; after `close` there is nothing to hold.
    pub fn set_ref(&self, on: bool) {
        if let Some(h) = self.handle.borrow().as_ref() {
            h.set_ref(on);
        }
    }

    /// Stops accepting: closes the handle (unwatched, out of the reactor's table,
    /// the loop released, the descriptor closed), unlinks the socket file, releases
    /// the binding. Closing twice does nothing.
    pub fn close(&self) {
        let handle = self.handle.borrow_mut().take();
        if let Some(h) = handle {
            h.close();
        }
        drop(self.file.borrow_mut().take());
        // Dropped last, after every borrow above is released: the binding may go now.
        let to = self.to.borrow_mut().take();
        drop(to);
    }

    /// The socket is readable: accept one connection (the socket stays readable
    /// while more wait: the reactor reports it again in the next poll).
    pub fn on_ready(&self, cx: &C) {
        let Some(to) = self.to.borrow().clone() else { return };
        // The handle's borrow ends before the binding runs (it may close us).
        let got = match self.handle.borrow().as_ref() {
            Some(h) => socket::accept(h.fd()),
            None => return,
        };
        let ev = match got {
            Ok(Some(conn)) => Event::Accepted(conn),
            Ok(None) => return,
            Err(errno) => {
                if matches!(errno, Errno::EMFILE | Errno::ENFILE | Errno::ENOBUFS | Errno::ENOMEM) {
                    self.back_off();
                }
                Event::Error(IoError::sys(errno, "accept"))
            }
        };
        let ok = to.event(cx, ev);
        self.host.after_event(cx, ok);
    }

    /// Stops watching (the handle stays open, active and ref'd as it was) until
    /// the timer watches again; a listener already backing off is left alone.
    fn back_off(&self) {
        {
            let handle = self.handle.borrow();
            let Some(h) = handle.as_ref().filter(|h| !h.interest().is_empty()) else { return };
            // Unwatching an open handle does not fail.
            let _ = h.set_interest(Interest::NONE);
        }
        let me = self.me.clone();
        self.host.after(
            BACK_OFF_MS,
            Box::new(move || {
                if let Some(l) = me.upgrade() {
                    let failed = l.handle.borrow().as_ref().is_some_and(|h| h.set_interest(Interest::READ).is_err());
                    if failed {
                        // Watching a descriptor that was watched before does not
                        // fail for want of descriptors; if it does, the listener
                        // is done.
                        l.close();
                    }
                }
            }),
        );
    }
}

impl<C: ?Sized + 'static> Source<C> for Listener<C> {
    fn on_ready(&self, cx: &C, _ready: Ready) {
        Listener::on_ready(self, cx);
    }
}

#[cfg(test)]
#[path = "listener_tests.rs"]
mod tests;
