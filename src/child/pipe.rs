//! Descriptors for child stdio: pipes and socketpairs (close-on-exec from birth, the
//! parent's end non-blocking), the shared `/dev/null`, and the read/write helpers the
//! streams and the sync runner use.

use std::io;
use std::os::fd::{FromRawFd, OwnedFd, RawFd};
use std::sync::OnceLock;

fn errno() -> i32 {
    io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO)
}

fn check(r: i32) -> Result<i32, i32> {
    if r < 0 { Err(errno()) } else { Ok(r) }
}

/// A pipe, both ends close-on-exec: `(read end, write end)`.
pub fn pipe() -> Result<(OwnedFd, OwnedFd), i32> {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors pipe2 writes.
    check(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) })?;
    // SAFETY: two fresh descriptors that nothing else owns.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// A two-way AF_UNIX stream socketpair, both ends close-on-exec.
pub fn socketpair() -> Result<(OwnedFd, OwnedFd), i32> {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors socketpair writes.
    check(unsafe { libc::socketpair(libc::AF_UNIX, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0, fds.as_mut_ptr()) })?;
    // SAFETY: two fresh descriptors that nothing else owns.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

pub fn set_nonblocking(fd: RawFd) -> Result<(), i32> {
    // SAFETY: F_GETFL/F_SETFL take and return integers only; a bad `fd` is EBADF.
    let flags = check(unsafe { libc::fcntl(fd, libc::F_GETFL) })?;
    // SAFETY: as above, integer-only fcntl.
    check(unsafe { libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) }).map(drop)
}

/// `/dev/null`, opened once (read-write, close-on-exec) and shared by every child
/// whose stdio is `"ignore"`.
pub fn dev_null() -> Result<RawFd, i32> {
    static FD: OnceLock<RawFd> = OnceLock::new();
    if let Some(&fd) = FD.get() {
        return Ok(fd);
    }
    // SAFETY: the path is a NUL-terminated C string literal, read-only for the call.
    let fd = check(unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDWR | libc::O_CLOEXEC) })?;
    Ok(*FD.get_or_init(|| fd))
}

/// Largest pipe buffer we ask for: the unprivileged default of
/// `/proc/sys/fs/pipe-max-size`.
pub const BIG_PIPE: usize = 1 << 20;

/// Asks the kernel for a bigger pipe buffer (`F_SETPIPE_SZ`); returns the size it
/// gave, or `None` (not a pipe, over the per-user limit…): nothing depends on it.
pub fn grow(fd: RawFd, size: usize) -> Option<usize> {
    // SAFETY: F_SETPIPE_SZ takes and returns integers only.
    let r = unsafe { libc::fcntl(fd, libc::F_SETPIPE_SZ, size as libc::c_int) };
    (r > 0).then_some(r as usize)
}

/// What one non-blocking read gave.
#[derive(Debug, PartialEq, Eq)]
pub enum Read {
    Data(usize),
    Eof,
    WouldBlock,
}

/// Reads once into `buf`'s spare capacity, retrying EINTR. Errors other than
/// EAGAIN end the stream, as EOF does (`ECONNRESET` on a socketpair).
pub fn read_into(fd: RawFd, buf: &mut Vec<u8>) -> Read {
    loop {
        let spare = buf.spare_capacity_mut();
        // SAFETY: `spare` is the vector's unused capacity, valid for writes of
        // `spare.len()` bytes, and read writes at most that many.
        let n = unsafe { libc::read(fd, spare.as_mut_ptr().cast(), spare.len()) };
        if n > 0 {
            // SAFETY: the kernel initialised the first n bytes of the spare capacity.
            unsafe { buf.set_len(buf.len() + n as usize) };
            return Read::Data(n as usize);
        }
        if n == 0 {
            return Read::Eof;
        }
        match errno() {
            libc::EINTR => continue,
            libc::EAGAIN => return Read::WouldBlock,
            _ => return Read::Eof,
        }
    }
}

/// Writes as much of `bytes` as the descriptor takes now. `Ok(n)` may be short (the
/// pipe is full); `Err(errno)` is a real failure (EPIPE: the reader is gone).
pub fn write_some(fd: RawFd, bytes: &[u8]) -> Result<usize, i32> {
    let mut done = 0;
    while done < bytes.len() {
        // SAFETY: `bytes[done..]` is a live slice of exactly `bytes.len() - done` bytes.
        let n = unsafe { libc::write(fd, bytes[done..].as_ptr().cast(), bytes.len() - done) };
        if n >= 0 {
            done += n as usize;
            continue;
        }
        match errno() {
            libc::EINTR => continue,
            libc::EAGAIN => break,
            e => return Err(e),
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsRawFd;

    #[test]
    fn nonblocking_pipe_round_trip() {
        let (r, w) = pipe().unwrap();
        set_nonblocking(r.as_raw_fd()).unwrap();
        let mut buf = Vec::with_capacity(16);
        assert_eq!(read_into(r.as_raw_fd(), &mut buf), Read::WouldBlock);
        assert_eq!(write_some(w.as_raw_fd(), b"hello"), Ok(5));
        assert_eq!(read_into(r.as_raw_fd(), &mut buf), Read::Data(5));
        assert_eq!(buf, b"hello");
        assert!(grow(w.as_raw_fd(), BIG_PIPE).is_some_and(|n| n >= 4096));
        drop(w);
        assert_eq!(read_into(r.as_raw_fd(), &mut buf), Read::Eof);
    }

    #[test]
    fn write_to_a_closed_pipe_is_epipe() {
        // SAFETY: SIG_IGN installs no handler code; it only changes the disposition.
        unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
        let (r, w) = pipe().unwrap();
        drop(r);
        assert_eq!(write_some(w.as_raw_fd(), b"x"), Err(libc::EPIPE));
    }
}
