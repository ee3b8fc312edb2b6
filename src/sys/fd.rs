//! Descriptor system calls, one copy each: pipes and socketpairs (close-on-exec from
//! birth), descriptor flags, the shared `/dev/null`, pipe sizing, and the one
//! non-blocking read and write every stream uses. Descriptors come in as
//! `BorrowedFd` and go out as `OwnedFd`; errors are [`Errno`]. nix's safe wrappers are
//! used where nix (with this crate's features) has them; the rest is `libc` with a
//! `SAFETY:` note (socketpair needs nix's `socket` feature, which is off: see
//! docs/notes/sysfd.md; `read` goes into a vector's spare capacity, which nix's
//! `read(&mut [u8])` cannot express without zeroing the buffer first).

use std::os::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd};
use std::sync::OnceLock;

use nix::fcntl::{FcntlArg, FdFlag, OFlag, fcntl};
use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

pub use super::errno::{Errno, SysResult};

/// A pipe, both ends close-on-exec: `(read end, write end)`.
pub fn pipe() -> SysResult<(OwnedFd, OwnedFd)> {
    nix::unistd::pipe2(OFlag::O_CLOEXEC)
}

/// A self-pipe (signal delivery, a wake-up from another thread): both ends
/// close-on-exec and non-blocking, so a full pipe drops a byte instead of blocking.
pub fn wake_pipe() -> SysResult<(OwnedFd, OwnedFd)> {
    nix::unistd::pipe2(OFlag::O_CLOEXEC | OFlag::O_NONBLOCK)
}

/// Reads and discards what a non-blocking wake pipe holds (until EAGAIN or EOF).
pub fn drain(fd: BorrowedFd<'_>) {
    let mut buf = [0u8; 64];
    while nix::unistd::read(fd, &mut buf).is_ok_and(|n| n > 0) {}
}

/// A two-way AF_UNIX stream socketpair, both ends close-on-exec.
pub fn socketpair() -> SysResult<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors socketpair writes.
    let r = unsafe { libc::socketpair(libc::AF_UNIX, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0, fds.as_mut_ptr()) };
    Errno::result(r)?;
    // SAFETY: two fresh descriptors that nothing else owns.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// Sets or clears `O_NONBLOCK` (a file status flag: shared by every descriptor of the
/// same open file description).
pub fn set_nonblocking(fd: BorrowedFd<'_>, on: bool) -> SysResult<()> {
    let flags = OFlag::from_bits_retain(fcntl(fd, FcntlArg::F_GETFL)?);
    let want = if on { flags | OFlag::O_NONBLOCK } else { flags - OFlag::O_NONBLOCK };
    if want != flags {
        fcntl(fd, FcntlArg::F_SETFL(want))?;
    }
    Ok(())
}

/// Sets `FD_CLOEXEC` (a descriptor flag: this descriptor only).
pub fn set_cloexec(fd: BorrowedFd<'_>) -> SysResult<()> {
    let flags = FdFlag::from_bits_retain(fcntl(fd, FcntlArg::F_GETFD)?);
    if !flags.contains(FdFlag::FD_CLOEXEC) {
        fcntl(fd, FcntlArg::F_SETFD(flags | FdFlag::FD_CLOEXEC))?;
    }
    Ok(())
}

/// A second descriptor for the same open file, close-on-exec, numbered 3 or above.
pub fn dup_cloexec(fd: BorrowedFd<'_>) -> SysResult<OwnedFd> {
    dup_cloexec_from(fd, 3)
}

/// [`dup_cloexec`] numbered `min` or above (3 at least): a descriptor a child's stdio
/// `dup2`s cannot overwrite.
pub fn dup_cloexec_from(fd: BorrowedFd<'_>, min: i32) -> SysResult<OwnedFd> {
    let r = fcntl(fd, FcntlArg::F_DUPFD_CLOEXEC(min.max(3)))?;
    // SAFETY: F_DUPFD_CLOEXEC returned a fresh descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(r) })
}

/// A close-on-exec duplicate of the descriptor numbered `n` (one a script named:
/// `listen({fd: n})`): the one way a bare number from outside becomes a descriptor.
/// A number that is not open is EBADF.
pub fn dup_number(n: i32) -> SysResult<OwnedFd> {
    // SAFETY: F_DUPFD_CLOEXEC takes any integer: it only looks the number up in the
    // descriptor table (EBADF when nothing is open there) and touches no memory.
    let r = unsafe { libc::fcntl(n, libc::F_DUPFD_CLOEXEC, 3) };
    if r < 0 {
        return Err(Errno::last());
    }
    // SAFETY: F_DUPFD_CLOEXEC returned a fresh descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(r) })
}

/// Takes over the descriptor numbered `n`, which someone outside handed this process
/// by number (a script's `new net.Socket({fd})`, the parent's `NODE_CHANNEL_FD`): from
/// here the returned `OwnedFd` owns and closes it, as Node's handle does. A number that
/// is not open is EBADF. It is made close-on-exec (it is for this process alone).
/// Handing over a descriptor procbox itself uses is the script's error, as in Node
/// (docs/notes/audit.md): the one place a bare number becomes owned without a dup.
pub fn take_number(n: i32) -> SysResult<OwnedFd> {
    if n < 0 {
        return Err(Errno::EBADF);
    }
    // SAFETY: F_GETFD takes any integer and touches no memory: it only looks the number
    // up (EBADF when nothing is open there).
    if unsafe { libc::fcntl(n, libc::F_GETFD) } < 0 {
        return Err(Errno::last());
    }
    // SAFETY: `n` is open (checked above) and its owner outside handed it over to us;
    // nothing else in this process holds it as owned.
    let fd = unsafe { OwnedFd::from_raw_fd(n) };
    let _ = set_cloexec(fd.as_fd());
    Ok(fd)
}

/// What the descriptor numbered `n` refers to now, as (device, inode); `None` when
/// nothing is open there. Tests check that a handle closed its descriptor by the number
/// no longer naming the same file: "is the number open" is not enough, since a test
/// running on another thread may open a descriptor that takes the number as soon as
/// it is free (seen: 3 runs in 100 with `--test-threads 32` on a loaded machine).
#[cfg(test)]
pub fn file_at(n: i32) -> Option<(u64, u64)> {
    // SAFETY: a zeroed stat is a valid value for fstat to overwrite.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: fstat writes only into the struct we pass; any integer is a valid
    // argument (EBADF when nothing is open there); a number cannot be lent as a
    // `BorrowedFd` before it is known open.
    if unsafe { libc::fstat(n, &mut st) } != 0 {
        return None;
    }
    Some((st.st_dev, st.st_ino))
}

/// Whether the descriptor numbered `n` is an open socket (`Err(EBADF)`: not open), asked
/// before [`take_number`] where a wrong number must be reported without taking it.
pub fn number_is_socket(n: i32) -> SysResult<bool> {
    // SAFETY: fstat writes only into the zeroed struct we pass; any integer is a valid
    // argument (EBADF when nothing is open there).
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    if unsafe { libc::fstat(n, &mut st) } != 0 {
        return Err(Errno::last());
    }
    Ok(st.st_mode & libc::S_IFMT == libc::S_IFSOCK)
}

/// `/dev/null`, opened once (read-write, close-on-exec) and shared by every child
/// whose stdio is `"ignore"`; it stays open for the life of the process.
pub fn dev_null() -> SysResult<BorrowedFd<'static>> {
    static FD: OnceLock<OwnedFd> = OnceLock::new();
    if let Some(fd) = FD.get() {
        return Ok(fd.as_fd());
    }
    let fd = nix::fcntl::open(c"/dev/null", OFlag::O_RDWR | OFlag::O_CLOEXEC, nix::sys::stat::Mode::empty())?;
    // A racing first call from another thread wins; ours then closes on drop.
    Ok(FD.get_or_init(|| fd).as_fd())
}

/// Largest pipe buffer we ask for: the unprivileged default of
/// `/proc/sys/fs/pipe-max-size`.
pub const BIG_PIPE: usize = 1 << 20;

/// Asks the kernel for a bigger pipe buffer (`F_SETPIPE_SZ`); returns the size it
/// gave, or `None` (not a pipe, over the per-user limit…): nothing depends on it.
pub fn grow_pipe(fd: BorrowedFd<'_>, size: usize) -> Option<usize> {
    let size = libc::c_int::try_from(size).unwrap_or(libc::c_int::MAX);
    fcntl(fd, FcntlArg::F_SETPIPE_SZ(size)).ok().filter(|&n| n > 0).map(|n| n as usize)
}

/// What one non-blocking read gave.
#[derive(Debug, PartialEq, Eq)]
pub enum Read {
    Data(usize),
    Eof,
    WouldBlock,
    /// A real failure (`ECONNRESET`…). Sockets report it; child pipes and stdin treat
    /// it as the end of the stream (the caller decides).
    Failed(Errno),
}

/// Reads once into `buf`'s spare capacity (no zeroing, no allocation: the caller
/// reserves), retrying EINTR. `read(2)` on a socket is `recv` with no flags.
pub fn read_into(fd: BorrowedFd<'_>, buf: &mut Vec<u8>) -> Read {
    read_once(|| {
        let spare = buf.spare_capacity_mut();
        // SAFETY: `spare` is the vector's unused capacity, valid for writes of
        // `spare.len()` bytes, and read writes at most that many.
        let n = unsafe { libc::read(fd.as_raw_fd(), spare.as_mut_ptr().cast(), spare.len()) };
        if n < 0 {
            return Err(Errno::last());
        }
        // SAFETY: the kernel initialised the first n bytes of the spare capacity.
        unsafe { buf.set_len(buf.len() + n as usize) };
        Ok(n as usize)
    })
}

/// Reads once into `buf` (initialised: a buffer kept from read to read), retrying EINTR.
pub fn read_slice(fd: BorrowedFd<'_>, buf: &mut [u8]) -> Read {
    read_once(|| nix::unistd::read(fd, buf))
}

/// One read by `read` (read(2), `recvmsg`…), retried on EINTR, as a [`Read`]: 0 bytes
/// is the end, EAGAIN is "nothing now".
pub fn read_once(mut read: impl FnMut() -> SysResult<usize>) -> Read {
    loop {
        return match read() {
            Ok(0) => Read::Eof,
            Ok(n) => Read::Data(n),
            Err(Errno::EINTR) => continue,
            Err(Errno::EAGAIN) => Read::WouldBlock,
            Err(e) => Read::Failed(e),
        };
    }
}

/// Writes as much of `bytes` as the descriptor takes now. `Ok(n)` may be short (the
/// pipe is full); `Err` is a real failure (EPIPE: the reader is gone).
pub fn write_some(fd: BorrowedFd<'_>, bytes: &[u8]) -> SysResult<usize> {
    write_all_now(bytes, |rest| nix::unistd::write(fd, rest))
}

/// Writes all of `bytes`, waiting in `poll` while the descriptor would block: for
/// stdout and stderr, which another process sharing them may have made non-blocking.
/// EINTR is retried; the error is the first real failure (EPIPE: the reader is gone).
pub fn write_all_blocking(fd: BorrowedFd<'_>, bytes: &[u8]) -> SysResult<()> {
    write_all_waiting(fd, bytes, |rest| write_some(fd, rest))
}

/// Writes all of `bytes` through `write_some` (one system call, EINTR retried, a
/// short count when the descriptor would block), waiting in `poll` on `fd` after a
/// short count; the error is the first real failure.
pub fn write_all_waiting(
    fd: BorrowedFd<'_>,
    mut bytes: &[u8],
    mut write_some: impl FnMut(&[u8]) -> SysResult<usize>,
) -> SysResult<()> {
    loop {
        let n = write_some(bytes)?;
        bytes = bytes.get(n..).unwrap_or_default();
        if bytes.is_empty() {
            return Ok(());
        }
        wait_writable(fd);
    }
}

/// Waits in `poll` until `fd` takes bytes again (a short count from a non-blocking
/// descriptor). Errors and EINTR just return: the caller's next write tells.
pub fn wait_writable(fd: BorrowedFd<'_>) {
    let mut p = [PollFd::new(fd, PollFlags::POLLOUT)];
    let _ = poll(&mut p, PollTimeout::NONE);
}

/// One of the process's two output streams, fd 1 or 2: named, not numbered, so the
/// only numbers are here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StdOutput {
    Out,
    Err,
}

impl StdOutput {
    /// Node's `process.stdout.fd` / `process.stderr.fd`.
    pub fn number(self) -> i32 {
        match self {
            StdOutput::Out => 1,
            StdOutput::Err => 2,
        }
    }

    pub fn fd(self) -> BorrowedFd<'static> {
        // SAFETY: descriptors 1 and 2 belong to the process for its whole life: procbox
        // never closes them (std's own `Stdout::as_fd` borrows 1 the same way). If the
        // parent left one closed, a write is EBADF, as it was by number.
        unsafe { BorrowedFd::borrow_raw(self.number()) }
    }
}

/// The loop behind [`write_some`] and `socket::send_some`: calls `once` until
/// everything went, the descriptor would block (a short count), or it fails;
/// EINTR is retried.
pub(super) fn write_all_now(bytes: &[u8], mut once: impl FnMut(&[u8]) -> SysResult<usize>) -> SysResult<usize> {
    let mut done = 0;
    while let Some(rest) = bytes.get(done..).filter(|r| !r.is_empty()) {
        match once(rest) {
            Ok(n) => done += n,
            Err(Errno::EINTR) => continue,
            Err(Errno::EAGAIN) => break,
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(fd: BorrowedFd<'_>) -> (bool, bool) {
        let fl = OFlag::from_bits_retain(fcntl(fd, FcntlArg::F_GETFL).unwrap());
        let fdfl = FdFlag::from_bits_retain(fcntl(fd, FcntlArg::F_GETFD).unwrap());
        (fl.contains(OFlag::O_NONBLOCK), fdfl.contains(FdFlag::FD_CLOEXEC))
    }

    #[test]
    fn nonblocking_pipe_round_trip() {
        let (r, w) = pipe().unwrap();
        assert_eq!(flags(r.as_fd()), (false, true));
        set_nonblocking(r.as_fd(), true).unwrap();
        assert_eq!(flags(r.as_fd()), (true, true));
        let mut buf = Vec::with_capacity(16);
        assert_eq!(read_into(r.as_fd(), &mut buf), Read::WouldBlock);
        assert_eq!(write_some(w.as_fd(), b"hello"), Ok(5));
        assert_eq!(read_into(r.as_fd(), &mut buf), Read::Data(5));
        assert_eq!(buf, b"hello");
        assert!(grow_pipe(w.as_fd(), BIG_PIPE).is_some_and(|n| n >= 4096));
        drop(w);
        assert_eq!(read_into(r.as_fd(), &mut buf), Read::Eof);
        set_nonblocking(r.as_fd(), false).unwrap();
        assert_eq!(flags(r.as_fd()), (false, true));
    }

    #[test]
    fn a_full_pipe_takes_a_short_write() {
        let (r, w) = wake_pipe().unwrap();
        assert_eq!(flags(r.as_fd()), (true, true));
        let big = vec![7u8; 4 * BIG_PIPE];
        let n = write_some(w.as_fd(), &big).unwrap();
        assert!(n > 0 && n < big.len(), "short write, got {n}");
        assert_eq!(write_some(w.as_fd(), b"x"), Ok(0));
    }

    #[test]
    fn write_to_a_closed_pipe_is_epipe() {
        // SAFETY: SIG_IGN installs no handler code; it only changes the disposition.
        unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
        let (r, w) = pipe().unwrap();
        drop(r);
        assert_eq!(write_some(w.as_fd(), b"x"), Err(Errno::EPIPE));
    }

    #[test]
    fn socketpair_dup_and_dev_null() {
        let (a, b) = socketpair().unwrap();
        assert_eq!(flags(a.as_fd()), (false, true));
        let c = dup_cloexec(b.as_fd()).unwrap();
        assert!(c.as_raw_fd() >= 3 && c.as_raw_fd() != b.as_raw_fd());
        assert_eq!(flags(c.as_fd()), (false, true));
        assert_eq!(write_some(a.as_fd(), b"hi"), Ok(2));
        let mut buf = Vec::with_capacity(8);
        assert_eq!(read_into(c.as_fd(), &mut buf), Read::Data(2));
        let null = dev_null().unwrap();
        assert_eq!(null.as_raw_fd(), dev_null().unwrap().as_raw_fd(), "opened once");
        assert_eq!(write_some(null, b"gone"), Ok(4));
        assert_eq!(read_into(null, &mut buf), Read::Eof);
    }

    #[test]
    fn cloexec_is_set_on_a_plain_descriptor() {
        let mut fds = [0; 2];
        // SAFETY: `fds` has room for the two descriptors pipe writes.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        // SAFETY: two fresh descriptors that nothing else owns.
        let (r, _w) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
        assert_eq!(flags(r.as_fd()), (false, false));
        set_cloexec(r.as_fd()).unwrap();
        assert_eq!(flags(r.as_fd()), (false, true));
    }
}
