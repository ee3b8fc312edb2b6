//! Socket system calls. Every descriptor is born non-blocking and close-on-exec
//! (`SOCK_NONBLOCK | SOCK_CLOEXEC`, `accept4`, `MSG_CMSG_CLOEXEC`), so none leaks into
//! a child and none can block the loop. Descriptors come in as `BorrowedFd` and go out
//! as `OwnedFd`; errors are [`Errno`]. Also `sendmsg`/`recvmsg` with descriptors riding
//! along as SCM_RIGHTS (the fork channel's `NODE_HANDLE`).
//!
//! `libc`, not nix: nix's `socket` feature needs `memoffset`, which is not in the
//! lock file (docs/notes/sysfd.md). Reads are `fd::read_into` (`read(2)` on a socket
//! is `recv` with no flags).

use std::io::IoSlice;
use std::net::SocketAddr;
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};

pub use super::errno::{Errno, SysResult};
use super::sockaddr::{self as addr, RawAddr};
use crate::net::addr::Endpoint;

/// Node's default listen backlog.
pub const BACKLOG: i32 = 511;

/// The mode of a Unix socket file unless the caller asks for more: owner only.
pub const SOCKET_MODE: u32 = 0o600;

fn socket(domain: i32) -> SysResult<OwnedFd> {
    // SAFETY: socket takes no pointers; it only returns a new descriptor or -1.
    let fd = Errno::result(unsafe {
        libc::socket(domain, libc::SOCK_STREAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC, 0)
    })?;
    // SAFETY: a fresh descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

fn set_int(fd: BorrowedFd<'_>, level: i32, name: i32, value: i32) -> SysResult<()> {
    let p = (&value as *const i32).cast();
    let len = std::mem::size_of::<i32>() as libc::socklen_t;
    // SAFETY: `p` points to `value`, a live i32, and the length passed is its size, so
    // the kernel reads only that; `fd` is open for the borrow.
    Errno::result(unsafe { libc::setsockopt(fd.as_raw_fd(), level, name, p, len) }).map(drop)
}

fn get_int(fd: BorrowedFd<'_>, level: i32, name: i32) -> SysResult<i32> {
    let mut value = 0i32;
    let mut len = std::mem::size_of::<i32>() as libc::socklen_t;
    // SAFETY: the kernel writes at most `len` bytes (the size of `value`) into `value`,
    // and updates `len`; both are live locals for the call.
    Errno::result(unsafe { libc::getsockopt(fd.as_raw_fd(), level, name, (&mut value as *mut i32).cast(), &mut len) })?;
    Ok(value)
}

fn bind(fd: BorrowedFd<'_>, raw: &RawAddr) -> SysResult<()> {
    // SAFETY: `fd` is an open socket; `raw` is a sockaddr built by `addr::to_raw`
    // whose `len` never exceeds its storage, and it outlives the call.
    Errno::result(unsafe { libc::bind(fd.as_raw_fd(), raw.as_ptr(), raw.len) }).map(drop)
}

fn listen(fd: BorrowedFd<'_>, backlog: i32) -> SysResult<()> {
    // SAFETY: listen takes no pointers; `fd` is an open, bound socket.
    Errno::result(unsafe { libc::listen(fd.as_raw_fd(), backlog) }).map(drop)
}

/// A listening TCP socket on `at`. Like libuv: SO_REUSEADDR (a restarted server can
/// rebind while old connections linger), and an IPv6 socket also takes IPv4 unless
/// `ipv6_only`.
pub fn listen_tcp(at: SocketAddr, backlog: i32, ipv6_only: bool) -> SysResult<OwnedFd> {
    use std::os::fd::AsFd;
    let raw = addr::to_raw(&Endpoint::Tcp(at))?;
    let fd = socket(raw.domain())?;
    set_int(fd.as_fd(), libc::SOL_SOCKET, libc::SO_REUSEADDR, 1)?;
    if at.is_ipv6() {
        set_int(fd.as_fd(), libc::IPPROTO_IPV6, libc::IPV6_V6ONLY, ipv6_only as i32)?;
    }
    bind(fd.as_fd(), &raw)?;
    listen(fd.as_fd(), backlog)?;
    Ok(fd)
}

/// A listening Unix socket at `path` whose file has permission bits `mode`; an
/// existing file there is EADDRINUSE.
///
/// Linux's `unix_bind` gives the new file the socket inode's mode minus the umask,
/// so an `fchmod` of the descriptor before `bind` makes the file appear with at most
/// `mode`: there is no moment where it is wider (a temporary umask would race with
/// the fs worker threads, which create files too). After `bind`, a `chmod` on the
/// path sets exactly `mode` when the umask took bits away (e.g. `readableAll` under
/// umask 077): that only ever widens to what the caller asked for. On a kernel
/// where the `fchmod` has no effect, this `chmod` is what narrows the file, with a
/// window between `bind` and `chmod`.
pub fn listen_unix(path: &std::path::Path, backlog: i32, mode: u32) -> SysResult<OwnedFd> {
    use std::os::fd::AsFd;
    use std::os::unix::fs::PermissionsExt;
    let raw = addr::to_raw(&Endpoint::Unix(path.to_path_buf()))?;
    let fd = socket(libc::AF_UNIX)?;
    // A failure is not fatal: the chmod after bind below still sets the mode.
    let _ = nix::sys::stat::fchmod(fd.as_fd(), nix::sys::stat::Mode::from_bits_truncate(mode as libc::mode_t));
    // libuv reports a missing directory as EACCES (`uv_pipe_bind`), and so does Node.
    bind(fd.as_fd(), &raw).map_err(|e| if e == Errno::ENOENT { Errno::EACCES } else { e })?;
    let fix = match std::fs::symlink_metadata(path) {
        Ok(m) if m.permissions().mode() & 0o7777 == mode => Ok(()),
        _ => std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)),
    };
    if let Err(e) = fix {
        let _ = std::fs::remove_file(path);
        return Err(crate::sys::errno::from_io(&e));
    }
    if let Err(e) = listen(fd.as_fd(), backlog) {
        let _ = std::fs::remove_file(path);
        return Err(e);
    }
    Ok(fd)
}

/// Starts connecting to `to`. `Err` only when no socket could be made; a connect that
/// failed at once comes back as `Some(errno)` beside the socket, to be reported when
/// the poller says the socket is ready, as libuv does (`delayed_error`), so every
/// outcome of a connect reaches the script from the poll phase.
pub fn connect(to: &Endpoint) -> SysResult<(OwnedFd, Option<Errno>)> {
    let raw = addr::to_raw(to)?;
    let fd = socket(raw.domain())?;
    loop {
        // SAFETY: `fd` is our open socket; `raw` is a sockaddr built by `addr::to_raw`
        // whose `len` never exceeds its storage, and it outlives the call.
        let r = unsafe { libc::connect(fd.as_raw_fd(), raw.as_ptr(), raw.len) };
        if r == 0 {
            return Ok((fd, None));
        }
        match Errno::last() {
            Errno::EINTR => continue,
            Errno::EINPROGRESS => return Ok((fd, None)),
            e => return Ok((fd, Some(e))),
        }
    }
}

/// The outcome of a non-blocking connect, once the socket is writable (SO_ERROR).
pub fn take_error(fd: BorrowedFd<'_>) -> SysResult<()> {
    match get_int(fd, libc::SOL_SOCKET, libc::SO_ERROR)? {
        0 => Ok(()),
        e => Err(Errno::from_raw(e)),
    }
}

/// Accepts one connection; `Ok(None)` when none is waiting.
pub fn accept(fd: BorrowedFd<'_>) -> SysResult<Option<OwnedFd>> {
    loop {
        // SAFETY: null address and length pointers are allowed (the peer address is
        // not wanted); `fd` is open for the borrow.
        let r = unsafe {
            libc::accept4(
                fd.as_raw_fd(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
            )
        };
        if r >= 0 {
            // SAFETY: a fresh descriptor that nothing else owns.
            return Ok(Some(unsafe { OwnedFd::from_raw_fd(r) }));
        }
        match Errno::last() {
            Errno::EINTR => continue,
            // The peer gave up between the wake-up and the accept: try the next one.
            Errno::ECONNABORTED => continue,
            Errno::EAGAIN => return Ok(None),
            e => return Err(e),
        }
    }
}

fn name_of(fd: BorrowedFd<'_>, peer: bool) -> Option<Endpoint> {
    // SAFETY: sockaddr_storage is plain old data (integers and byte arrays), for
    // which all-zero bytes are a valid value.
    let mut raw = RawAddr { storage: unsafe { std::mem::zeroed() }, len: 0 };
    raw.len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    let p = (&mut raw.storage as *mut libc::sockaddr_storage).cast();
    let r = if peer {
        // SAFETY: `p` points to `raw.storage` and `raw.len` is its size, so the kernel
        // writes at most that many bytes; both live across the call.
        unsafe { libc::getpeername(fd.as_raw_fd(), p, &mut raw.len) }
    } else {
        // SAFETY: as for getpeername above: `p` and `raw.len` describe `raw.storage`.
        unsafe { libc::getsockname(fd.as_raw_fd(), p, &mut raw.len) }
    };
    if r < 0 {
        return None;
    }
    addr::from_raw(&raw)
}

pub fn local(fd: BorrowedFd<'_>) -> Option<Endpoint> {
    name_of(fd, false)
}

pub fn peer(fd: BorrowedFd<'_>) -> Option<Endpoint> {
    name_of(fd, true)
}

/// True for a socket in the listening state (a handle received from elsewhere).
pub fn is_listening(fd: BorrowedFd<'_>) -> bool {
    get_int(fd, libc::SOL_SOCKET, libc::SO_ACCEPTCONN).is_ok_and(|v| v != 0)
}

/// Makes a descriptor from elsewhere (a passed handle, `{fd: n}`, a pipe end) behave
/// like ours: non-blocking and close-on-exec. One system call each, with no read of
/// the flags first (libuv's `uv__nonblock_ioctl` and `uv__cloexec`): every stream's
/// descriptor comes through here, a spawned child's three pipes included.
pub fn adopt(fd: BorrowedFd<'_>) -> SysResult<()> {
    let on: libc::c_int = 1;
    // SAFETY: FIONBIO reads one int through the pointer, which points at `on`, alive
    // for the call; it changes only the O_NONBLOCK status flag of `fd`'s description.
    Errno::result(unsafe { libc::ioctl(fd.as_raw_fd(), libc::FIONBIO, &on) })?;
    // FD_CLOEXEC is the only descriptor flag: setting it outright loses nothing.
    nix::fcntl::fcntl(fd, nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::FD_CLOEXEC)).map(drop)
}

pub fn shutdown_write(fd: BorrowedFd<'_>) -> SysResult<()> {
    // SAFETY: shutdown takes no pointers and leaves `fd` open (only the write side ends).
    Errno::result(unsafe { libc::shutdown(fd.as_raw_fd(), libc::SHUT_WR) }).map(drop)
}

pub fn set_nodelay(fd: BorrowedFd<'_>, on: bool) -> SysResult<()> {
    set_int(fd, libc::IPPROTO_TCP, libc::TCP_NODELAY, on as i32)
}

pub fn set_keepalive(fd: BorrowedFd<'_>, on: bool, idle_secs: i32) -> SysResult<()> {
    set_int(fd, libc::SOL_SOCKET, libc::SO_KEEPALIVE, on as i32)?;
    if on && idle_secs > 0 {
        set_int(fd, libc::IPPROTO_TCP, libc::TCP_KEEPIDLE, idle_secs)?;
    }
    Ok(())
}

/// Sends what the socket takes now (may be short); MSG_NOSIGNAL so a gone peer is
/// EPIPE even if a script restored SIGPIPE.
pub fn send_some(fd: BorrowedFd<'_>, bytes: &[u8]) -> SysResult<usize> {
    super::fd::write_all_now(bytes, |rest| {
        // SAFETY: `rest` is a live slice, valid for reads of `rest.len()` bytes.
        let n = unsafe { libc::send(fd.as_raw_fd(), rest.as_ptr().cast(), rest.len(), libc::MSG_NOSIGNAL) };
        Errno::result(n).map(|n| n as usize)
    })
}

const CMSG_SPACE: usize = 64;

/// Control-message buffer: u64 elements so that it is aligned for `cmsghdr`, which the
/// CMSG_* macros dereference (a byte array may sit at any address).
type CmsgBuf = [u64; CMSG_SPACE / 8];

/// One `sendmsg` (non-blocking, no retry), attaching `pass` to the first byte of
/// `data`. May be short; EAGAIN and EINTR come back as errors.
#[cfg(test)]
pub fn sendmsg(fd: BorrowedFd<'_>, data: &[u8], pass: Option<BorrowedFd<'_>>) -> SysResult<usize> {
    sendmsg_vectored(fd, &[IoSlice::new(data)], pass)
}

/// [`sendmsg`] of several slices in one call (their bytes in order, as if joined):
/// the fork channel writes a burst of queued messages with one system call. One slice
/// without a descriptor goes by `send(2)` (same flags, same bytes).
pub fn sendmsg_vectored(fd: BorrowedFd<'_>, data: &[IoSlice<'_>], pass: Option<BorrowedFd<'_>>) -> SysResult<usize> {
    // One slice and no descriptor (every round trip's message): send(2), the same
    // flags and the same bytes, without the kernel copying in a msghdr and an iovec
    // array (about 40 ns a call here, bench/ipc/wake.c's variants; docs/notes/pingmargin.md).
    if let ([one], None) = (data, pass) {
        // SAFETY: `one` is a live slice, valid for reads of `one.len()` bytes.
        let n = unsafe {
            libc::send(fd.as_raw_fd(), one.as_ptr().cast(), one.len(), libc::MSG_NOSIGNAL | libc::MSG_DONTWAIT)
        };
        return Errno::result(n).map(|n| n as usize);
    }
    let mut cmsg_buf: CmsgBuf = [0; CMSG_SPACE / 8];
    // SAFETY: msghdr is plain old data (integers and pointers); all-zero is valid and
    // means "no name, no iovecs, no control data".
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    // `IoSlice` is ABI-compatible with `iovec` on Unix (std documents it); the kernel
    // only reads through this pointer.
    msg.msg_iov = data.as_ptr() as *mut libc::iovec;
    msg.msg_iovlen = data.len();
    if let Some(pass) = pass {
        msg.msg_control = cmsg_buf.as_mut_ptr().cast();
        // SAFETY: CMSG_SPACE is arithmetic on its argument only.
        msg.msg_controllen = unsafe { libc::CMSG_SPACE(std::mem::size_of::<RawFd>() as u32) } as usize;
        // SAFETY: msg_control points to `cmsg_buf` (64 bytes, 8-aligned, live until
        // sendmsg returns) and msg_controllen (CMSG_SPACE of one int, 24) fits in it, so
        // CMSG_FIRSTHDR is non-null and the header plus one int lie inside the buffer.
        unsafe {
            let c = libc::CMSG_FIRSTHDR(&msg);
            (*c).cmsg_level = libc::SOL_SOCKET;
            (*c).cmsg_type = libc::SCM_RIGHTS;
            (*c).cmsg_len = libc::CMSG_LEN(std::mem::size_of::<RawFd>() as u32) as usize;
            std::ptr::write_unaligned(libc::CMSG_DATA(c).cast::<RawFd>(), pass.as_raw_fd());
        }
    }
    // SAFETY: every pointer in `msg` (the iovecs of `data`, each over a live slice;
    // the control buffer) points to live locals or `data`, with the lengths set above;
    // the kernel only reads them.
    let n = unsafe { libc::sendmsg(fd.as_raw_fd(), &msg, libc::MSG_NOSIGNAL | libc::MSG_DONTWAIT) };
    Errno::result(n).map(|n| n as usize)
}

/// One `recvmsg` into `buf` (non-blocking, no retry); descriptors that came along go
/// to `fds`, close-on-exec from the start (MSG_CMSG_CLOEXEC).
pub fn recvmsg(fd: BorrowedFd<'_>, buf: &mut [u8], fds: &mut Vec<OwnedFd>) -> SysResult<usize> {
    let mut iov = libc::iovec { iov_base: buf.as_mut_ptr().cast(), iov_len: buf.len() };
    let mut cmsg_buf: CmsgBuf = [0; CMSG_SPACE / 8];
    // SAFETY: msghdr is plain old data (integers and pointers); all-zero is valid and
    // means "no name, no iovecs, no control data".
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = cmsg_buf.as_mut_ptr().cast();
    msg.msg_controllen = CMSG_SPACE;
    // SAFETY: the iovec covers `buf` (valid for writes of buf.len() bytes) and the
    // control buffer is CMSG_SPACE bytes; the kernel writes no more than those lengths.
    let n = unsafe { libc::recvmsg(fd.as_raw_fd(), &mut msg, libc::MSG_CMSG_CLOEXEC | libc::MSG_DONTWAIT) };
    let n = Errno::result(n)?;
    // SAFETY: CMSG_FIRSTHDR/CMSG_NXTHDR walk the control data the kernel wrote, bounded
    // by msg_controllen (which the kernel set to what it filled) and return null past
    // the end. An SCM_RIGHTS payload is `count` ints, each a new descriptor the kernel
    // installed for us and nobody else owns (read unaligned: CMSG_DATA has no alignment
    // promise for the int array).
    unsafe {
        let mut c = libc::CMSG_FIRSTHDR(&msg);
        while !c.is_null() {
            if (*c).cmsg_level == libc::SOL_SOCKET && (*c).cmsg_type == libc::SCM_RIGHTS {
                let count = ((*c).cmsg_len as usize - libc::CMSG_LEN(0) as usize) / std::mem::size_of::<RawFd>();
                let data = libc::CMSG_DATA(c).cast::<RawFd>();
                for i in 0..count {
                    fds.push(OwnedFd::from_raw_fd(std::ptr::read_unaligned(data.add(i))));
                }
            }
            c = libc::CMSG_NXTHDR(&msg, c);
        }
    }
    Ok(n as usize)
}

#[cfg(test)]
#[path = "socket_tests.rs"]
mod tests;
