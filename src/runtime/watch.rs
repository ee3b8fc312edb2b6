//! The runtime's side of the reactor (`io::reactor`): its accessor for bindings that
//! open io handles, and the signal pipe, an `io::wake::Wake` open for the runtime's
//! life whose readiness delivers the signals caught since the last poll (mirrored in
//! the reactor by the signal handler's count, so a turn that would not block need
//! not poll it).

use std::os::fd::{BorrowedFd, OwnedFd};
use std::rc::Rc;

use super::{Runtime, State};
use crate::io::events::{Event, Handler};
use crate::io::reactor::{Reactor, Token};
use crate::io::wake::Wake;
use crate::sys::errno::SysResult;

/// The signal pipe's binding: its wake-ups are the signals to deliver. It keeps the
/// loop alive by nothing (a process waiting only for a signal exits, as Node's).
struct Signals;

impl Handler<Runtime> for Signals {
    fn event(&self, _: &Runtime, _: Event) -> bool {
        true
    }

    fn ready(&self, rt: &Runtime, pipe: BorrowedFd<'_>) {
        rt.deliver_signals(pipe);
    }
}

/// Opens the signal pipe's read end in the reactor, watched for reading, for good,
/// mirrored by the handler's count (`sys::signal::pending`: a loop turn that would
/// not block makes no `epoll_wait` while the pipe is all that is watched and no
/// signal is unread); returns its token.
pub(super) fn open_signals(reactor: &Rc<Reactor<Runtime>>, read_end: OwnedFd) -> SysResult<Token> {
    let token = Wake::open(reactor, read_end, Rc::new(Signals))?;
    reactor.mirror(token, crate::sys::signal::pending);
    Ok(token)
}

impl State {
    /// The reactor, for io handles (`io::handle::Handle::new`, `io::wake::Wake::open`).
    pub fn reactor(&self) -> &Rc<Reactor<Runtime>> {
        &self.reactor
    }
}
