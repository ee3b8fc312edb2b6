//! The runtime's side of the reactor (`io::reactor`): what a source watched with the
//! runtime as its context is ([`Source`]), the signal pipe as one, and the `State`
//! methods for bindings that watch a descriptor they own without an
//! `io::handle::Handle` (`watch`, `set_interest`, `unwatch`: they lend it for the call).

use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::rc::Rc;

use super::{Runtime, State};
use crate::io::reactor::Ready;
use crate::io::reactor::{Interest, Reactor};
use crate::sys::errno::SysResult;

/// Something watched by the reactor with the runtime as its context: stdin, child
/// pipes, sockets, channels. Every `Source` is an `io::reactor::Source<Runtime>`.
pub trait Source {
    fn on_ready(&self, rt: &Runtime, ready: Ready);
}

impl<T: Source + ?Sized> crate::io::reactor::Source<Runtime> for T {
    fn on_ready(&self, rt: &Runtime, ready: Ready) {
        Source::on_ready(self, rt, ready);
    }
}

/// The signal pipe's read end, open in the reactor for the runtime's life.
struct SignalPipe(OwnedFd);

impl Source for SignalPipe {
    fn on_ready(&self, rt: &Runtime, _: Ready) {
        rt.deliver_signals(self.0.as_fd());
    }
}

/// Opens the signal pipe's read end in the reactor, watched for reading, for good;
/// returns its token.
pub(super) fn open_signals(reactor: &Reactor<Runtime>, read_end: OwnedFd) -> SysResult<u64> {
    let pipe = Rc::new(SignalPipe(read_end));
    let token = reactor.open(pipe.clone());
    reactor.set_interest(pipe.0.as_fd(), token, Interest::READ)?;
    Ok(token)
}

impl State {
    /// The reactor, for handles (`io::handle::Handle::new`).
    pub fn reactor(&self) -> &Rc<Reactor<Runtime>> {
        &self.reactor
    }

    /// Opens `source` in the reactor and watches `fd` for it; returns its token. For
    /// bindings that own a descriptor without an `io::handle::Handle`.
    pub fn watch<S: Source + 'static>(
        &self,
        fd: BorrowedFd<'_>,
        source: Rc<S>,
        readable: bool,
        writable: bool,
    ) -> SysResult<u64> {
        let token = self.reactor.open(source);
        if let Err(e) = self.set_interest(fd, token, readable, writable) {
            self.reactor.close_token(token);
            return Err(e);
        }
        Ok(token)
    }

    /// Changes what `fd`, watched under `token`, is watched for.
    pub fn set_interest(&self, fd: BorrowedFd<'_>, token: u64, read: bool, write: bool) -> SysResult<()> {
        self.reactor.set_interest(fd, token, Interest { read, write })
    }
}
