//! A listening socket, Rhai-free: accepting in batches, backing off when the process
//! is out of descriptors, the socket file it bound, and whether it keeps the loop
//! alive. `net.Server` (and so `http.Server`) and node-ipc's server are adapters
//! over it; what an accepted connection means is theirs ([`Accept`]).
//!
//! Rules (libuv's, where it has one):
//! - up to [`ACCEPTS_PER_WAKE`] connections per readiness report, so a flood cannot
//!   starve the loop;
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
//! The loop is reached through [`ListenHost`], a thin seam over the runtime's
//! `watch`/`unwatch`, liveness count, timers and at-exit hooks (the reactor and
//! the I/O plan's reactor replaces what it wraps, not its shape).

use std::cell::{Cell, RefCell};
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::path::PathBuf;
use std::rc::{Rc, Weak};

use crate::event_loop::Hold;
use crate::sys::errno::Errno;
use crate::sys::raw;

/// Connections accepted per readiness report.
pub const ACCEPTS_PER_WAKE: usize = 64;
/// How long to stop accepting when out of descriptors.
pub const BACK_OFF_MS: u64 = 100;

/// What the listener needs from whoever runs the loop.
pub trait ListenHost<C: ?Sized> {
    /// Watches `fd` for readability; each report calls `l.on_ready(cx)`. The host
    /// keeps `l` until `unwatch`.
    fn watch(&self, fd: RawFd, l: Rc<Listener<C>>) -> std::io::Result<u64>;
    fn unwatch(&self, fd: RawFd, token: u64);
    /// One ref on the loop, released when the guard drops.
    fn hold(&self) -> Hold;
    /// Runs `f` once after `ms`, from an unref'd timer.
    fn after(&self, ms: u64, f: Box<dyn FnOnce()>);
    /// Runs `f` when the process exits.
    fn at_exit(&self, f: Box<dyn Fn()>);
}

/// The binding: what an accepted connection or a failed `accept` means.
pub trait Accept<C: ?Sized> {
    fn accepted(&self, cx: &C, fd: OwnedFd);
    /// `accept` failed with `errno`; the listener already backed off if it should.
    fn accept_failed(&self, cx: &C, errno: Errno);
}

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
    host: Rc<dyn ListenHost<C>>,
    me: Weak<Listener<C>>,
    fd: RefCell<Option<OwnedFd>>,
    /// Set while watched: not during a back-off.
    token: Cell<Option<u64>>,
    refd: Cell<bool>,
    hold: Cell<Option<Hold>>,
    file: RefCell<Option<SocketFile>>,
    /// The binding, kept while open.
    to: RefCell<Option<Rc<dyn Accept<C>>>>,
}

impl<C: ?Sized + 'static> Listener<C> {
    /// Starts watching `fd` (already listening, non-blocking). A failure to watch
    /// closes `fd` and unlinks `file`.
    pub fn listen(
        host: Rc<dyn ListenHost<C>>,
        fd: OwnedFd,
        file: Option<SocketFile>,
        to: Rc<dyn Accept<C>>,
    ) -> std::io::Result<Rc<Listener<C>>> {
        let has_file = file.is_some();
        let l = Rc::new_cyclic(|me| Listener {
            host,
            me: me.clone(),
            fd: RefCell::new(Some(fd)),
            token: Cell::new(None),
            refd: Cell::new(true),
            hold: Cell::new(None),
            file: RefCell::new(file),
            to: RefCell::new(Some(to)),
        });
        if let Err(e) = l.rewatch() {
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
        l.update_hold();
        Ok(l)
    }

    pub fn listening(&self) -> bool {
        self.fd.borrow().is_some()
    }

    /// The listening descriptor while open (for `address()` and handle passing).
    pub fn raw_fd(&self) -> Option<RawFd> {
        self.fd.borrow().as_ref().map(AsRawFd::as_raw_fd)
    }

    pub fn set_ref(&self, on: bool) {
        self.refd.set(on);
        self.update_hold();
    }

    /// Stops accepting: unwatches, closes the descriptor, unlinks the socket file,
    /// releases the loop and the binding. Closing twice does nothing.
    pub fn close(&self) {
        let fd = self.fd.borrow_mut().take();
        if let (Some(fd), Some(t)) = (&fd, self.token.take()) {
            self.host.unwatch(fd.as_raw_fd(), t);
        }
        drop(fd);
        drop(self.file.borrow_mut().take());
        drop(self.hold.take());
        // Dropped last, after every borrow above is released: the binding may go now.
        let to = self.to.borrow_mut().take();
        drop(to);
    }

    /// The socket is readable: accept what waits, up to one batch.
    pub fn on_ready(&self, cx: &C) {
        for _ in 0..ACCEPTS_PER_WAKE {
            let Some(fd) = self.raw_fd() else { return };
            let Some(to) = self.to.borrow().clone() else { return };
            match raw::accept(fd) {
                Ok(Some(conn)) => to.accepted(cx, conn),
                Ok(None) => return,
                Err(errno) => {
                    if matches!(errno, Errno::EMFILE | Errno::ENFILE | Errno::ENOBUFS | Errno::ENOMEM) {
                        self.back_off();
                    }
                    return to.accept_failed(cx, errno);
                }
            }
        }
    }

    fn rewatch(&self) -> std::io::Result<()> {
        let Some(fd) = self.raw_fd() else { return Ok(()) };
        if self.token.get().is_some() {
            return Ok(());
        }
        let me = self.me.upgrade().expect("a listener outlives its own calls");
        self.token.set(Some(self.host.watch(fd, me)?));
        Ok(())
    }

    fn back_off(&self) {
        let (Some(fd), Some(t)) = (self.raw_fd(), self.token.take()) else { return };
        self.host.unwatch(fd, t);
        let me = self.me.clone();
        self.host.after(
            BACK_OFF_MS,
            Box::new(move || {
                if let Some(l) = me.upgrade()
                    && l.rewatch().is_err()
                {
                    // Watching a descriptor that was watched before does not fail
                    // for want of descriptors; if it does, the listener is done.
                    l.close();
                }
            }),
        );
    }

    /// libuv: a handle keeps the loop alive iff it is active and ref'd.
    fn update_hold(&self) {
        let want = self.listening() && self.refd.get();
        let cur = self.hold.take();
        self.hold.set(if want { cur.or_else(|| Some(self.host.hold())) } else { None });
    }
}

#[cfg(test)]
#[path = "listener_tests.rs"]
mod tests;
