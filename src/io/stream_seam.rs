//! The seam between a stream and whatever watches its descriptor: the part of the
//! reactor (issue 13 §2.3, `io/reactor.rs`) a stream uses, written as a trait so the
//! stream is built and tested before the reactor exists, and runs on the runtime's
//! poller meanwhile. Once the reactor lands it implements [`Watch`] (or replaces it).
//!
//! The rules it keeps from the plan: a stream is *opened* in the reactor's table for
//! as long as it is open, watched or not (libuv's handle queue: a paused socket
//! nobody holds stays connected), and an empty interest unwatches the descriptor
//! (epoll reports HUP even for an empty mask, which would spin on a paused, hung-up
//! socket) while the table entry stays.

use std::os::fd::BorrowedFd;
use std::rc::Rc;

use crate::event_loop::Ready;
pub use crate::event_loop::{Hold, Request};

/// What a descriptor is watched for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Interest {
    pub read: bool,
    pub write: bool,
}

impl Interest {
    pub fn is_empty(self) -> bool {
        !self.read && !self.write
    }
}

/// What the reactor calls when a watched descriptor is ready.
pub trait Source<C: ?Sized> {
    fn on_ready(&self, cx: &C, ready: Ready);
}

/// The reactor as a stream sees it.
pub trait Watch<C: ?Sized> {
    /// Keeps `src` in the table (strongly) until [`Watch::close`]; its token.
    fn open(&self, src: Rc<dyn Source<C>>) -> u64;
    /// Watches `fd` for `i` under `token` (an empty `i` unwatches it; the table entry
    /// stays).
    fn set_interest(&self, fd: BorrowedFd, token: u64, i: Interest) -> crate::sys::errno::SysResult<()>;
    /// Drops the table entry (the descriptor is unwatched already).
    fn close(&self, token: u64);
    /// One ref'd active handle keeping the loop alive.
    fn hold(&self) -> Hold;
    /// One request in flight (writes, connect, shutdown): alive even when unref'd.
    fn request(&self) -> Request;
}
