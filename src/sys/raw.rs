//! Transitional (issue 13, step S1 → S10/S11/S13b): the `fd` and `socket` calls for
//! descriptors that bindings still keep as a bare number in a `Cell<RawFd>`, until
//! they move onto `io::Handle` and pass a `BorrowedFd` themselves. Each wrapper
//! borrows the number for exactly one call; a negative number is EBADF. Delete a
//! wrapper when its last caller is gone.

use std::os::fd::{BorrowedFd, OwnedFd, RawFd};

use super::errno::{Errno, SysResult};
use super::{fd, socket};
use crate::net::Endpoint;

fn borrow<'a>(fd: RawFd) -> SysResult<BorrowedFd<'a>> {
    if fd < 0 {
        return Err(Errno::EBADF);
    }
    // SAFETY: the callers own the number (a descriptor they opened and close by hand,
    // resetting their cell to -1 when they do) or pass one a script named (`{fd: n}`,
    // only inspected and duplicated), and every wrapper below uses the borrow for the
    // one system call it makes, never keeping it. A number that is not open makes
    // that call fail with EBADF, as the bare libc call did before.
    Ok(unsafe { BorrowedFd::borrow_raw(fd) })
}

/// Runs `f` on `fd` borrowed for the call (the runtime's `State::watch` family).
pub fn with_fd<R>(fd: RawFd, f: impl FnOnce(BorrowedFd<'_>) -> SysResult<R>) -> SysResult<R> {
    f(borrow(fd)?)
}

pub fn read_into(fd: RawFd, buf: &mut Vec<u8>) -> fd::Read {
    borrow(fd).map_or_else(fd::Read::Failed, |fd| fd::read_into(fd, buf))
}

pub fn dup(fd: RawFd) -> SysResult<OwnedFd> {
    fd::dup_cloexec(borrow(fd)?)
}

pub fn recvmsg(fd: RawFd, buf: &mut [u8], fds: &mut Vec<OwnedFd>) -> SysResult<usize> {
    socket::recvmsg(borrow(fd)?, buf, fds)
}

pub fn adopt(fd: RawFd) -> SysResult<()> {
    socket::adopt(borrow(fd)?)
}

pub fn local(fd: RawFd) -> Option<Endpoint> {
    socket::local(borrow(fd).ok()?)
}

pub fn is_listening(fd: RawFd) -> bool {
    borrow(fd).is_ok_and(socket::is_listening)
}

pub fn set_nodelay(fd: RawFd, on: bool) -> SysResult<()> {
    socket::set_nodelay(borrow(fd)?, on)
}

pub fn set_keepalive(fd: RawFd, on: bool, idle_secs: i32) -> SysResult<()> {
    socket::set_keepalive(borrow(fd)?, on, idle_secs)
}
