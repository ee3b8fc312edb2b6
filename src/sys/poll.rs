//! Readiness system calls: the loop's epoll instance (the reactor in `io::reactor`
//! keeps the table of handles and decides what to watch; the calls are here) and a
//! one-shot `poll(2)` over a few descriptors (the exit flush, which runs after the
//! loop). Both through nix's safe wrappers; level-triggered, as libuv's.

use std::cell::RefCell;
use std::os::fd::BorrowedFd;

use nix::poll::{PollFd, PollFlags, PollTimeout};
use nix::sys::epoll::{Epoll, EpollCreateFlags, EpollEvent, EpollFlags, EpollTimeout};

use super::errno::{Errno, SysResult};

/// What one descriptor is ready for, as one wait reported it. `hangup` (HUP or ERR)
/// also counts as readable, so the reader finds the EOF or the error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ready {
    pub token: u64,
    pub readable: bool,
    pub writable: bool,
    pub hangup: bool,
}

/// Events one wait can return; more wait for the next turn (level-triggered).
const BATCH: usize = 64;

/// An epoll instance (close-on-exec) and the buffer its waits fill.
pub struct Poller {
    epoll: Epoll,
    events: RefCell<Vec<EpollEvent>>,
}

fn flags(read: bool, write: bool) -> EpollFlags {
    let mut f = EpollFlags::empty();
    if read {
        f |= EpollFlags::EPOLLIN | EpollFlags::EPOLLRDHUP;
    }
    if write {
        f |= EpollFlags::EPOLLOUT;
    }
    f
}

impl Poller {
    pub fn new() -> SysResult<Poller> {
        let epoll = Epoll::new(EpollCreateFlags::EPOLL_CLOEXEC)?;
        Ok(Poller { epoll, events: RefCell::new(vec![EpollEvent::empty(); BATCH]) })
    }

    /// `EPOLL_CTL_ADD`: EEXIST when `fd` is registered already, EPERM for a descriptor
    /// epoll cannot watch (a regular file, `/dev/null`).
    pub fn add(&self, fd: BorrowedFd<'_>, token: u64, read: bool, write: bool) -> SysResult<()> {
        self.epoll.add(fd, EpollEvent::new(flags(read, write), token))
    }

    /// `EPOLL_CTL_MOD`.
    pub fn modify(&self, fd: BorrowedFd<'_>, token: u64, read: bool, write: bool) -> SysResult<()> {
        self.epoll.modify(fd, &mut EpollEvent::new(flags(read, write), token))
    }

    /// `EPOLL_CTL_DEL`.
    pub fn delete(&self, fd: BorrowedFd<'_>) -> SysResult<()> {
        self.epoll.delete(fd)
    }

    /// Waits up to `timeout_ms` (-1: forever) and appends what is ready to `out`.
    /// EINTR is an empty turn.
    pub fn wait(&self, timeout_ms: i32, out: &mut Vec<Ready>) -> SysResult<()> {
        let timeout = EpollTimeout::try_from(timeout_ms).unwrap_or(EpollTimeout::NONE);
        let mut events = self.events.borrow_mut();
        let n = match self.epoll.wait(&mut events, timeout) {
            Ok(n) => n,
            Err(Errno::EINTR) => 0,
            Err(e) => return Err(e),
        };
        out.extend(events.iter().take(n).map(|e| {
            let f = e.events();
            let hangup = f.intersects(EpollFlags::EPOLLHUP | EpollFlags::EPOLLERR);
            Ready {
                token: e.data(),
                readable: hangup || f.intersects(EpollFlags::EPOLLIN | EpollFlags::EPOLLRDHUP),
                writable: f.intersects(EpollFlags::EPOLLOUT | EpollFlags::EPOLLERR),
                hangup,
            }
        }));
        Ok(())
    }
}

/// What `poll(2)` reported for one descriptor.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Revents {
    pub readable: bool,
    pub writable: bool,
    /// HUP or ERR.
    pub gone: bool,
}

/// One `poll(2)` over `fds`, each watched for writing and, when its flag says so,
/// for reading; `timeout_ms` is -1 or more than poll takes waits without limit. The reports are in the
/// order of `fds`. EINTR is returned as it is (the caller decides to go round).
pub fn poll_once(fds: &[(BorrowedFd<'_>, bool)], timeout_ms: i32) -> SysResult<Vec<Revents>> {
    let mut polled: Vec<PollFd> = fds
        .iter()
        .map(|&(fd, read)| {
            let read = if read { PollFlags::POLLIN } else { PollFlags::empty() };
            PollFd::new(fd, PollFlags::POLLOUT | read)
        })
        .collect();
    let timeout = PollTimeout::try_from(timeout_ms).unwrap_or(PollTimeout::MAX);
    nix::poll::poll(&mut polled, timeout)?;
    Ok(polled
        .iter()
        .map(|p| {
            let r = p.revents().unwrap_or(PollFlags::empty());
            Revents {
                readable: r.contains(PollFlags::POLLIN),
                writable: r.contains(PollFlags::POLLOUT),
                gone: r.intersects(PollFlags::POLLHUP | PollFlags::POLLERR),
            }
        })
        .collect())
}
