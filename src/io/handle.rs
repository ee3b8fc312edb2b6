//! `Handle`: one owned descriptor in the reactor, with its token, its interest and its
//! liveness, as libuv counts it: the handle holds the loop while active and ref'd
//! (a [`Hold`]), and a request in flight on it (queued writes, a connect, a pending
//! shutdown) counts apart, ref'd or not (a [`Request`]).
//!
//! Dropping a handle (or [`Handle::close`], which says so at the call site) is the
//! only way its descriptor closes: the drop unwatches it and leaves the reactor's table
//! first, then the `OwnedFd` field closes the descriptor. No hand-written `close(2)`.
//!
//! Methods take `&self` (cells), so a binding keeps its handle in a plain field or in
//! a `RefCell<Option<Handle>>` it empties on close. Setters that change nothing cost
//! a compare: a stream calls them after every write.

use std::cell::Cell;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::rc::Rc;

use super::reactor::{Interest, Reactor, Source, Token};
use crate::event_loop::{Hold, Request};
use crate::sys::errno::{Errno, SysResult};

pub struct Handle<C: ?Sized> {
    fd: OwnedFd,
    token: Cell<Option<Token>>,
    interest: Cell<Interest>,
    refd: Cell<bool>,
    active: Cell<bool>,
    hold: Cell<Option<Hold>>,
    request: Cell<Option<Request>>,
    reactor: Rc<Reactor<C>>,
}

impl<C: ?Sized> Handle<C> {
    /// A handle for `fd`, not open in the reactor yet (see [`Handle::open`]): ref'd,
    /// inactive, with nothing pending, watching nothing.
    pub fn new(fd: OwnedFd, reactor: &Rc<Reactor<C>>) -> Self {
        Handle {
            fd,
            token: Cell::new(None),
            interest: Cell::new(Interest::NONE),
            refd: Cell::new(true),
            active: Cell::new(false),
            hold: Cell::new(None),
            request: Cell::new(None),
            reactor: reactor.clone(),
        }
    }

    /// Opens the handle in the reactor's table with `src` (usually the binding that
    /// owns this handle: the table keeps it alive until the handle closes). Opening
    /// an open handle changes nothing.
    pub fn open(&self, src: Rc<dyn Source<C>>) -> Token {
        if let Some(t) = self.token.get() {
            return t;
        }
        let t = self.reactor.open(src);
        self.token.set(Some(t));
        t
    }

    pub fn fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }

    /// The token readiness reports carry, while open.
    #[cfg(test)]
    pub fn token(&self) -> Option<Token> {
        self.token.get()
    }

    pub fn interest(&self) -> Interest {
        self.interest.get()
    }

    /// Watches the descriptor for `i` (empty: unwatched, still open). EBADF when the
    /// handle is not open.
    pub fn set_interest(&self, i: Interest) -> SysResult<()> {
        if i == self.interest.get() {
            return Ok(());
        }
        let t = self.token.get().ok_or(Errno::EBADF)?;
        self.reactor.set_interest(self.fd.as_fd(), t, i)?;
        self.interest.set(i);
        Ok(())
    }

    /// `ref()`/`unref()`: whether this handle, while active, keeps the loop alive.
    pub fn set_ref(&self, on: bool) {
        if self.refd.replace(on) != on {
            self.update_hold();
        }
    }

    #[cfg(test)]
    pub fn is_ref(&self) -> bool {
        self.refd.get()
    }

    /// Whether the handle is doing something (reading, listening): what the binding
    /// decides; the loop is held iff active and ref'd.
    pub fn set_active(&self, on: bool) {
        if self.active.replace(on) != on {
            self.update_hold();
        }
    }

    /// Whether a request is in flight on the handle (writes queued, a connect, a
    /// shutdown): the loop is kept alive for it whether the handle is ref'd or not.
    pub fn set_pending(&self, on: bool) {
        let cur = self.request.take();
        self.request.set(match (on, cur) {
            (true, None) => Some(self.reactor.request()),
            (true, cur) => cur,
            (false, _) => None,
        });
    }

    /// Whether the handle holds the loop now (as a ref'd active handle).
    #[cfg(test)]
    pub fn holds(&self) -> bool {
        let h = self.hold.take();
        let on = h.is_some();
        self.hold.set(h);
        on
    }

    /// Whether a request is in flight now.
    #[cfg(test)]
    pub fn is_pending(&self) -> bool {
        let r = self.request.take();
        let on = r.is_some();
        self.request.set(r);
        on
    }

    fn update_hold(&self) {
        let want = self.active.get() && self.refd.get();
        let cur = self.hold.take();
        self.hold.set(if want { cur.or_else(|| Some(self.reactor.hold())) } else { None });
    }

    /// Unwatches, leaves the table, releases the loop (hold and request), closes the
    /// descriptor.
    pub fn close(self) {
        drop(self);
    }
}

impl<C: ?Sized> Drop for Handle<C> {
    /// Unwatch and leave the table before the `OwnedFd` field closes the descriptor
    /// (this closes nothing itself); the guards release the loop as they drop.
    fn drop(&mut self) {
        if let Some(t) = self.token.take() {
            if self.interest.get().is_empty() {
                self.reactor.close_token(t);
            } else {
                self.reactor.close(self.fd.as_fd(), t);
            }
        }
    }
}

#[cfg(test)]
#[path = "handle_tests.rs"]
mod tests;
