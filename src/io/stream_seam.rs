//! The part of the reactor (`io::reactor`) a stream uses, as a trait: the stream is
//! tested on a small poll(2) loop of its own (`stream_testkit.rs`) and runs on the
//! runtime's [`Reactor`] otherwise.
//!
//! The rules it keeps from the plan: a stream is *opened* in the reactor's table for
//! as long as it is open, watched or not (libuv's handle queue: a paused socket
//! nobody holds stays connected), and an empty interest unwatches the descriptor
//! (epoll reports HUP even for an empty mask, which would spin on a paused, hung-up
//! socket) while the table entry stays.

use std::os::fd::BorrowedFd;
use std::rc::Rc;

pub use super::reactor::{Interest, Source};
use super::reactor::{Reactor, Token};
pub use crate::event_loop::{Hold, Request};
use crate::sys::errno::SysResult;

/// The reactor as a stream sees it.
pub trait Watch<C: ?Sized> {
    /// Keeps `src` in the table (strongly) until [`Watch::close`]; its token.
    fn open(&self, src: Rc<dyn Source<C>>) -> Token;
    /// Watches `fd` for `i` under `token` (an empty `i` unwatches it; the table entry
    /// stays).
    fn set_interest(&self, fd: BorrowedFd, token: Token, i: Interest) -> SysResult<()>;
    /// Drops the table entry (the descriptor is unwatched already).
    fn close(&self, token: Token);
    /// One ref'd active handle keeping the loop alive.
    fn hold(&self) -> Hold;
    /// One request in flight (writes, connect, shutdown): alive even when unref'd.
    fn request(&self) -> Request;
}

impl<C: ?Sized> Watch<C> for Reactor<C> {
    fn open(&self, src: Rc<dyn Source<C>>) -> Token {
        Reactor::open(self, src)
    }

    fn set_interest(&self, fd: BorrowedFd, token: Token, i: Interest) -> SysResult<()> {
        Reactor::set_interest(self, fd, token, i)
    }

    fn close(&self, token: Token) {
        self.close_token(token);
    }

    fn hold(&self) -> Hold {
        Reactor::hold(self)
    }

    fn request(&self) -> Request {
        Reactor::request(self)
    }
}
