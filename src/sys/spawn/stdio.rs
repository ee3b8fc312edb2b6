//! The child's stdio: each source descriptor put at its index, in libuv's order
//! (first move sources that an earlier `dup2` would overwrite out of the way), and
//! stdio left blocking.
//!
//! `fcntl` goes through nix (on a descriptor borrowed for the one call); `dup2`
//! stays raw: nix's `dup2` wants the target as an `OwnedFd`, and the target index
//! is a bare number here that may not be open yet.

use std::os::fd::{BorrowedFd, RawFd};

use nix::fcntl::{FcntlArg, FdFlag, OFlag, fcntl};

use crate::sys::errno::{Errno, SysResult};

/// Lends `fd` (non-negative) for one call.
///
/// # Safety
/// `fd` must name a descriptor of this process (or the call fails with EBADF) that
/// nothing closes during the call: the child owns its table alone.
unsafe fn lend(fd: RawFd) -> BorrowedFd<'static> {
    // SAFETY: the caller's contract; `fd` is never -1 here.
    unsafe { BorrowedFd::borrow_raw(fd) }
}

/// Rearranges `sources` (per index: a descriptor, or -1 for none) into place.
///
/// # Safety
/// Only in the child before exec: it rearranges the process's descriptors.
pub(super) unsafe fn arrange(sources: &mut [RawFd]) -> SysResult<()> {
    let n = sources.len() as RawFd;
    for (fd, s) in sources.iter_mut().enumerate() {
        if *s >= 0 && (*s as usize) < fd {
            // SAFETY: a number of ours, in the child (our caller's contract).
            *s = fcntl(unsafe { lend(*s) }, FcntlArg::F_DUPFD_CLOEXEC(n))?;
        }
    }
    for (fd, &s) in sources.iter().enumerate() {
        let fd = fd as RawFd;
        if s < 0 {
            continue;
        }
        if s == fd {
            // Inherited in place: only the close-on-exec flag must go (a closed
            // parent descriptor simply stays closed).
            // SAFETY: as above.
            let _ = fcntl(unsafe { lend(fd) }, FcntlArg::F_SETFD(FdFlag::empty()));
            // SAFETY: dup2 takes integers only; in the child (our caller's contract).
        } else if unsafe { libc::dup2(s, fd) } < 0 {
            return Err(Errno::last());
        }
        if fd <= 2 {
            // SAFETY: `fd` was just filled (or is inherited), in the child.
            let target = unsafe { lend(fd) };
            if let Ok(flags) = fcntl(target, FcntlArg::F_GETFL).map(OFlag::from_bits_retain)
                && flags.contains(OFlag::O_NONBLOCK)
            {
                let _ = fcntl(target, FcntlArg::F_SETFL(flags - OFlag::O_NONBLOCK));
            }
        }
    }
    Ok(())
}
