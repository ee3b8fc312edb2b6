//! Socket system calls. Every descriptor is born non-blocking and close-on-exec
//! (`SOCK_NONBLOCK | SOCK_CLOEXEC`, `accept4`), so none leaks into a child and none
//! can block the loop. Errors are plain errno values; the bindings shape them.

use std::io;
use std::net::SocketAddr;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

use super::addr::{self, Endpoint, RawAddr};

/// Node's default listen backlog.
pub const BACKLOG: i32 = 511;

fn errno() -> i32 {
    io::Error::last_os_error().raw_os_error().unwrap_or(libc::EIO)
}

fn check(r: i32) -> Result<i32, i32> {
    if r < 0 { Err(errno()) } else { Ok(r) }
}

fn socket(domain: i32) -> Result<OwnedFd, i32> {
    // SAFETY: socket takes no pointers; it only returns a new descriptor or -1.
    let fd = check(unsafe { libc::socket(domain, libc::SOCK_STREAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC, 0) })?;
    // SAFETY: a fresh descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

fn set_int(fd: RawFd, level: i32, name: i32, value: i32) -> Result<(), i32> {
    let p = (&value as *const i32).cast();
    // SAFETY: `p` points to `value`, a live i32, and the length passed is its size, so
    // the kernel reads only that; a bad `fd` is EBADF/ENOTSOCK, not undefined behaviour.
    check(unsafe { libc::setsockopt(fd, level, name, p, std::mem::size_of::<i32>() as libc::socklen_t) }).map(drop)
}

fn get_int(fd: RawFd, level: i32, name: i32) -> Result<i32, i32> {
    let mut value = 0i32;
    let mut len = std::mem::size_of::<i32>() as libc::socklen_t;
    // SAFETY: the kernel writes at most `len` bytes (the size of `value`) into `value`,
    // and updates `len`; both are live locals for the call.
    check(unsafe { libc::getsockopt(fd, level, name, (&mut value as *mut i32).cast(), &mut len) })?;
    Ok(value)
}

/// A listening TCP socket on `at`. Like libuv: SO_REUSEADDR (a restarted server can
/// rebind while old connections linger), and an IPv6 socket also takes IPv4 unless
/// `ipv6_only`.
pub fn listen_tcp(at: SocketAddr, backlog: i32, ipv6_only: bool) -> Result<OwnedFd, i32> {
    let raw = addr::to_raw(&Endpoint::Tcp(at))?;
    let fd = socket(raw.domain())?;
    set_int(fd.as_raw_fd(), libc::SOL_SOCKET, libc::SO_REUSEADDR, 1)?;
    if at.is_ipv6() {
        set_int(fd.as_raw_fd(), libc::IPPROTO_IPV6, libc::IPV6_V6ONLY, ipv6_only as i32)?;
    }
    // SAFETY: `fd` is our open socket; `raw` is a sockaddr built by `addr::to_raw`
    // whose `len` never exceeds its storage, and it outlives the call.
    check(unsafe { libc::bind(fd.as_raw_fd(), raw.as_ptr(), raw.len) })?;
    // SAFETY: listen takes no pointers; `fd` is our open, bound socket.
    check(unsafe { libc::listen(fd.as_raw_fd(), backlog) })?;
    Ok(fd)
}

/// The mode of a Unix socket file unless the caller asks for more: owner only.
pub const SOCKET_MODE: u32 = 0o600;

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
pub fn listen_unix(path: &std::path::Path, backlog: i32, mode: u32) -> Result<OwnedFd, i32> {
    use std::os::unix::fs::PermissionsExt;
    let raw = addr::to_raw(&Endpoint::Unix(path.to_path_buf()))?;
    let fd = socket(libc::AF_UNIX)?;
    // SAFETY: `fd` is an open descriptor we own; fchmod only changes its inode's mode.
    // A failure is not fatal: the chmod after bind below still sets the mode.
    let _ = unsafe { libc::fchmod(fd.as_raw_fd(), mode as libc::mode_t) };
    // libuv reports a missing directory as EACCES (`uv_pipe_bind`), and so does Node.
    // SAFETY: `fd` is our open socket; `raw` is a sockaddr_un built by `addr::to_raw`
    // whose `len` never exceeds its storage, and it outlives the call.
    check(unsafe { libc::bind(fd.as_raw_fd(), raw.as_ptr(), raw.len) })
        .map_err(|e| if e == libc::ENOENT { libc::EACCES } else { e })?;
    let fix = match std::fs::symlink_metadata(path) {
        Ok(m) if m.permissions().mode() & 0o7777 == mode => Ok(()),
        _ => std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)),
    };
    if let Err(e) = fix {
        let _ = std::fs::remove_file(path);
        return Err(e.raw_os_error().unwrap_or(libc::EIO));
    }
    // SAFETY: listen takes no pointers; `fd` is our open, bound socket.
    if let Err(e) = check(unsafe { libc::listen(fd.as_raw_fd(), backlog) }) {
        let _ = std::fs::remove_file(path);
        return Err(e);
    }
    Ok(fd)
}

/// Starts connecting to `to`. `Err` only when no socket could be made; a connect that
/// failed at once comes back as `Some(errno)` beside the socket, to be reported when
/// the poller says the socket is ready, as libuv does (`delayed_error`), so every
/// outcome of a connect reaches the script from the poll phase.
pub fn connect(to: &Endpoint) -> Result<(OwnedFd, Option<i32>), i32> {
    let raw = addr::to_raw(to)?;
    let fd = socket(raw.domain())?;
    loop {
        // SAFETY: `fd` is our open socket; `raw` is a sockaddr built by `addr::to_raw`
        // whose `len` never exceeds its storage, and it outlives the call.
        let r = unsafe { libc::connect(fd.as_raw_fd(), raw.as_ptr(), raw.len) };
        if r == 0 {
            return Ok((fd, None));
        }
        match errno() {
            libc::EINTR => continue,
            libc::EINPROGRESS => return Ok((fd, None)),
            e => return Ok((fd, Some(e))),
        }
    }
}

/// The outcome of a non-blocking connect, once the socket is writable (SO_ERROR).
pub fn take_error(fd: RawFd) -> i32 {
    get_int(fd, libc::SOL_SOCKET, libc::SO_ERROR).unwrap_or_else(|e| e)
}

/// Accepts one connection; `Ok(None)` when none is waiting.
pub fn accept(fd: RawFd) -> Result<Option<OwnedFd>, i32> {
    loop {
        // SAFETY: null address and length pointers are allowed (the peer address is
        // not wanted); a bad `fd` is an errno, not undefined behaviour.
        let r = unsafe {
            libc::accept4(fd, std::ptr::null_mut(), std::ptr::null_mut(), libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC)
        };
        if r >= 0 {
            // SAFETY: a fresh descriptor that nothing else owns.
            return Ok(Some(unsafe { OwnedFd::from_raw_fd(r) }));
        }
        match errno() {
            libc::EINTR => continue,
            // The peer gave up between the wake-up and the accept: try the next one.
            libc::ECONNABORTED => continue,
            libc::EAGAIN => return Ok(None),
            e => return Err(e),
        }
    }
}

fn name_of(fd: RawFd, peer: bool) -> Option<Endpoint> {
    // SAFETY: sockaddr_storage is plain old data (integers and byte arrays), for
    // which all-zero bytes are a valid value.
    let mut raw = RawAddr { storage: unsafe { std::mem::zeroed() }, len: 0 };
    raw.len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
    let p = (&mut raw.storage as *mut libc::sockaddr_storage).cast();
    let r = if peer {
        // SAFETY: `p` points to `raw.storage` and `raw.len` is its size, so the kernel
        // writes at most that many bytes; both live across the call.
        unsafe { libc::getpeername(fd, p, &mut raw.len) }
    } else {
        // SAFETY: as for getpeername above: `p` and `raw.len` describe `raw.storage`.
        unsafe { libc::getsockname(fd, p, &mut raw.len) }
    };
    if r < 0 {
        return None;
    }
    addr::from_raw(&raw)
}

pub fn local(fd: RawFd) -> Option<Endpoint> {
    name_of(fd, false)
}

pub fn peer(fd: RawFd) -> Option<Endpoint> {
    name_of(fd, true)
}

/// True for a socket in the listening state (a handle received from elsewhere).
pub fn is_listening(fd: RawFd) -> bool {
    get_int(fd, libc::SOL_SOCKET, libc::SO_ACCEPTCONN).is_ok_and(|v| v != 0)
}

/// Makes a descriptor from elsewhere (a passed handle, `{fd: n}`) behave like ours.
pub fn adopt(fd: RawFd) -> Result<(), i32> {
    // SAFETY: F_GETFL/F_SETFL/F_GETFD/F_SETFD (here and below) take and return
    // integers only; a bad `fd` is EBADF, not undefined behaviour.
    let flags = check(unsafe { libc::fcntl(fd, libc::F_GETFL) })?;
    // SAFETY: see above, integer-only fcntl.
    check(unsafe { libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) })?;
    // SAFETY: see above, integer-only fcntl.
    let fdflags = check(unsafe { libc::fcntl(fd, libc::F_GETFD) })?;
    // SAFETY: see above, integer-only fcntl.
    check(unsafe { libc::fcntl(fd, libc::F_SETFD, fdflags | libc::FD_CLOEXEC) }).map(drop)
}

/// A second descriptor for the same socket, close-on-exec.
pub fn dup(fd: RawFd) -> Result<OwnedFd, i32> {
    // SAFETY: F_DUPFD_CLOEXEC takes and returns integers only; it does not touch `fd`.
    let r = check(unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 3) })?;
    // SAFETY: a fresh descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(r) })
}

pub fn shutdown_write(fd: RawFd) -> Result<(), i32> {
    // SAFETY: shutdown takes no pointers and leaves `fd` open (only the write side ends).
    check(unsafe { libc::shutdown(fd, libc::SHUT_WR) }).map(drop)
}

pub fn set_nodelay(fd: RawFd, on: bool) -> Result<(), i32> {
    set_int(fd, libc::IPPROTO_TCP, libc::TCP_NODELAY, on as i32)
}

pub fn set_keepalive(fd: RawFd, on: bool, idle_secs: i32) -> Result<(), i32> {
    set_int(fd, libc::SOL_SOCKET, libc::SO_KEEPALIVE, on as i32)?;
    if on && idle_secs > 0 {
        set_int(fd, libc::IPPROTO_TCP, libc::TCP_KEEPIDLE, idle_secs)?;
    }
    Ok(())
}

/// What one non-blocking read gave.
#[derive(Debug, PartialEq, Eq)]
pub enum Recv {
    Data(usize),
    Eof,
    WouldBlock,
    Failed(i32),
}

/// Reads once into `buf`'s spare capacity.
pub fn recv_into(fd: RawFd, buf: &mut Vec<u8>) -> Recv {
    loop {
        let spare = buf.spare_capacity_mut();
        // SAFETY: `spare` is the vector's unused capacity, valid for writes of
        // `spare.len()` bytes, and the kernel writes at most that many.
        let n = unsafe { libc::recv(fd, spare.as_mut_ptr().cast(), spare.len(), 0) };
        if n > 0 {
            // SAFETY: the kernel initialised n bytes of the spare capacity.
            unsafe { buf.set_len(buf.len() + n as usize) };
            return Recv::Data(n as usize);
        }
        if n == 0 {
            return Recv::Eof;
        }
        match errno() {
            libc::EINTR => continue,
            libc::EAGAIN => return Recv::WouldBlock,
            e => return Recv::Failed(e),
        }
    }
}

/// Sends what the socket takes now (may be short); MSG_NOSIGNAL so a gone peer is
/// EPIPE even if a script restored SIGPIPE.
pub fn send_some(fd: RawFd, bytes: &[u8]) -> Result<usize, i32> {
    let mut done = 0;
    while done < bytes.len() {
        let rest = &bytes[done..];
        // SAFETY: `rest` is a live slice, valid for reads of `rest.len()` bytes.
        let n = unsafe { libc::send(fd, rest.as_ptr().cast(), rest.len(), libc::MSG_NOSIGNAL) };
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

    fn wait_writable(fd: RawFd) {
        let mut p = libc::pollfd { fd, events: libc::POLLOUT, revents: 0 };
        // SAFETY: `p` is one live pollfd, and the count passed is 1.
        assert_eq!(unsafe { libc::poll(&mut p, 1, 5000) }, 1);
    }

    #[test]
    fn tcp_round_trip_and_flags() {
        let l = listen_tcp("127.0.0.1:0".parse().unwrap(), BACKLOG, false).unwrap();
        assert!(is_listening(l.as_raw_fd()));
        let at = local(l.as_raw_fd()).unwrap();
        assert_eq!(at.host(), "127.0.0.1");
        let (c, err) = connect(&at).unwrap();
        assert_eq!(err, None);
        wait_writable(c.as_raw_fd());
        assert_eq!(take_error(c.as_raw_fd()), 0);
        let mut p = libc::pollfd { fd: l.as_raw_fd(), events: libc::POLLIN, revents: 0 };
        // SAFETY: `p` is one live pollfd, and the count passed is 1.
        assert_eq!(unsafe { libc::poll(&mut p, 1, 5000) }, 1);
        let s = accept(l.as_raw_fd()).unwrap().unwrap();
        // SAFETY: integer-only fcntl on a descriptor we own.
        let flags = unsafe { libc::fcntl(s.as_raw_fd(), libc::F_GETFL) };
        assert_ne!(flags & libc::O_NONBLOCK, 0);
        // SAFETY: integer-only fcntl on a descriptor we own.
        assert_ne!(unsafe { libc::fcntl(s.as_raw_fd(), libc::F_GETFD) } & libc::FD_CLOEXEC, 0);
        assert_eq!(peer(s.as_raw_fd()), local(c.as_raw_fd()));
        let mut buf = Vec::with_capacity(16);
        assert_eq!(recv_into(s.as_raw_fd(), &mut buf), Recv::WouldBlock);
        assert_eq!(send_some(c.as_raw_fd(), b"hi"), Ok(2));
        shutdown_write(c.as_raw_fd()).unwrap();
        let mut p = libc::pollfd { fd: s.as_raw_fd(), events: libc::POLLIN, revents: 0 };
        // SAFETY: `p` is one live pollfd, and the count passed is 1.
        assert_eq!(unsafe { libc::poll(&mut p, 1, 5000) }, 1);
        assert_eq!(recv_into(s.as_raw_fd(), &mut buf), Recv::Data(2));
        assert_eq!(recv_into(s.as_raw_fd(), &mut buf), Recv::Eof);
        assert!(matches!(accept(l.as_raw_fd()), Ok(None)));
    }

    #[test]
    fn address_in_use_and_refused() {
        let l = listen_tcp("127.0.0.1:0".parse().unwrap(), BACKLOG, false).unwrap();
        let Some(Endpoint::Tcp(at)) = local(l.as_raw_fd()) else { panic!("tcp") };
        assert_eq!(listen_tcp(at, BACKLOG, false).err(), Some(libc::EADDRINUSE));
        drop(l);
        let (c, err) = connect(&Endpoint::Tcp(at)).unwrap();
        let e = match err {
            Some(e) => e,
            None => {
                wait_writable(c.as_raw_fd());
                take_error(c.as_raw_fd())
            }
        };
        assert_eq!(e, libc::ECONNREFUSED);
    }

    #[test]
    fn unix_listen_connect() {
        let path = std::env::temp_dir().join(format!("procbox-sys-{}.sock", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let l = listen_unix(&path, BACKLOG, SOCKET_MODE).unwrap();
        assert_eq!(listen_unix(&path, BACKLOG, SOCKET_MODE).err(), Some(libc::EADDRINUSE));
        assert_eq!(local(l.as_raw_fd()), Some(Endpoint::Unix(path.clone())));
        let (_c, err) = connect(&Endpoint::Unix(path.clone())).unwrap();
        assert_eq!(err, None);
        std::fs::remove_file(&path).unwrap();
        let (_c, err) = connect(&Endpoint::Unix(path)).unwrap();
        assert_eq!(err, Some(libc::ENOENT));
    }
}
