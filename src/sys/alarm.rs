//! A one-shot timer as a descriptor (`timerfd`, monotonic clock, non-blocking,
//! close-on-exec): readable once it expired, so the loop's poller wakes for it like
//! for any other descriptor. The idle hooks' grace (`runtime::idle`) uses one
//! instead of a timeout on every wait: a wait with a timeout arms a kernel timer
//! each time (about 0.3 µs of a fork-channel round trip on one CPU, measured with
//! `bench/ipc/wake.c`'s variants), while this one is armed about once a second.

use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

use super::errno::{Errno, SysResult};

/// A new, unarmed timer descriptor.
pub fn new() -> SysResult<OwnedFd> {
    // SAFETY: timerfd_create takes no pointers; it returns a new descriptor or -1.
    let fd =
        Errno::result(unsafe { libc::timerfd_create(libc::CLOCK_MONOTONIC, libc::TFD_NONBLOCK | libc::TFD_CLOEXEC) })?;
    // SAFETY: a fresh descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Arms the timer to expire once, `after_ms` milliseconds from now (at least 1: a
/// zero would disarm it). Replaces any earlier setting.
pub fn arm(fd: BorrowedFd<'_>, after_ms: u64) -> SysResult<()> {
    let ms = after_ms.max(1);
    let spec = libc::itimerspec {
        it_interval: libc::timespec { tv_sec: 0, tv_nsec: 0 },
        it_value: libc::timespec { tv_sec: (ms / 1000) as libc::time_t, tv_nsec: ((ms % 1000) * 1_000_000) as _ },
    };
    // SAFETY: `spec` is a live, initialised itimerspec the kernel only reads; a null
    // old-value pointer is allowed; `fd` is open for the borrow.
    Errno::result(unsafe { libc::timerfd_settime(fd.as_raw_fd(), 0, &spec, std::ptr::null_mut()) }).map(drop)
}

/// Consumes an expiry, so the descriptor is no longer readable (nothing to read is
/// fine: EAGAIN).
pub fn ack(fd: BorrowedFd<'_>) {
    let mut expiries = [0u8; 8];
    let _ = nix::unistd::read(fd, &mut expiries);
}

#[cfg(test)]
mod tests {
    use std::os::fd::AsFd;

    use super::*;
    use crate::sys::poll::poll_once;

    fn readable(fd: BorrowedFd<'_>, wait_ms: i32) -> bool {
        // Watched for reading only: `poll_once` always asks for writability too,
        // which a timer never reports.
        poll_once(&[(fd, true)], wait_ms).expect("poll")[0].readable
    }

    #[test]
    fn fires_once_after_the_delay_and_ack_clears_it() {
        let t = new().expect("timerfd");
        assert!(!readable(t.as_fd(), 0), "unarmed: never ready");
        arm(t.as_fd(), 5).expect("arm");
        assert!(!readable(t.as_fd(), 0), "not before its time");
        assert!(readable(t.as_fd(), 1000), "expired within a second");
        ack(t.as_fd());
        assert!(!readable(t.as_fd(), 20), "one-shot: acknowledged and not re-armed");
        arm(t.as_fd(), 60_000).expect("arm");
        arm(t.as_fd(), 1).expect("re-arm sooner");
        assert!(readable(t.as_fd(), 1000), "the later setting replaces the earlier one");
    }
}
