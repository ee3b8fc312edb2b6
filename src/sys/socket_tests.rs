//! Tests of [`super`] on real sockets: TCP and Unix listen/connect/accept, the
//! descriptor flags every socket is born with, and SCM_RIGHTS passing.

use std::os::fd::{AsFd, AsRawFd, BorrowedFd};

use super::*;
use crate::sys::fd::{Read, read_into, socketpair};

fn wait(fd: BorrowedFd<'_>, events: i16) {
    let mut p = libc::pollfd { fd: fd.as_raw_fd(), events, revents: 0 };
    // SAFETY: `p` is one live pollfd, and the count passed is 1.
    assert_eq!(unsafe { libc::poll(&mut p, 1, 5000) }, 1);
}

#[test]
fn tcp_round_trip_and_flags() {
    let l = listen_tcp("127.0.0.1:0".parse().unwrap(), BACKLOG, false).unwrap();
    assert!(is_listening(l.as_fd()));
    let at = local(l.as_fd()).unwrap();
    assert_eq!(at.host(), "127.0.0.1");
    let (c, err) = connect(&at).unwrap();
    assert_eq!(err, None);
    wait(c.as_fd(), libc::POLLOUT);
    assert_eq!(take_error(c.as_fd()), Ok(()));
    wait(l.as_fd(), libc::POLLIN);
    let s = accept(l.as_fd()).unwrap().unwrap();
    // SAFETY: integer-only fcntl on a descriptor we own.
    let flags = unsafe { libc::fcntl(s.as_raw_fd(), libc::F_GETFL) };
    assert_ne!(flags & libc::O_NONBLOCK, 0);
    // SAFETY: integer-only fcntl on a descriptor we own.
    assert_ne!(unsafe { libc::fcntl(s.as_raw_fd(), libc::F_GETFD) } & libc::FD_CLOEXEC, 0);
    assert_eq!(peer(s.as_fd()), local(c.as_fd()));
    let mut buf = Vec::with_capacity(16);
    assert_eq!(read_into(s.as_fd(), &mut buf), Read::WouldBlock);
    assert_eq!(send_some(c.as_fd(), b"hi"), Ok(2));
    shutdown_write(c.as_fd()).unwrap();
    wait(s.as_fd(), libc::POLLIN);
    assert_eq!(read_into(s.as_fd(), &mut buf), Read::Data(2));
    assert_eq!(read_into(s.as_fd(), &mut buf), Read::Eof);
    assert!(matches!(accept(l.as_fd()), Ok(None)));
    set_nodelay(c.as_fd(), true).unwrap();
    set_keepalive(c.as_fd(), true, 5).unwrap();
}

#[test]
fn address_in_use_and_refused() {
    let l = listen_tcp("127.0.0.1:0".parse().unwrap(), BACKLOG, false).unwrap();
    let Some(Endpoint::Tcp(at)) = local(l.as_fd()) else { panic!("tcp") };
    assert_eq!(listen_tcp(at, BACKLOG, false).err(), Some(Errno::EADDRINUSE));
    drop(l);
    let (c, err) = connect(&Endpoint::Tcp(at)).unwrap();
    let e = match err {
        Some(e) => Err(e),
        None => {
            wait(c.as_fd(), libc::POLLOUT);
            take_error(c.as_fd())
        }
    };
    assert_eq!(e, Err(Errno::ECONNREFUSED));
}

#[test]
fn unix_listen_connect() {
    let path = std::env::temp_dir().join(format!("procbox-sys-{}.sock", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let l = listen_unix(&path, BACKLOG, SOCKET_MODE).unwrap();
    assert_eq!(listen_unix(&path, BACKLOG, SOCKET_MODE).err(), Some(Errno::EADDRINUSE));
    assert_eq!(local(l.as_fd()), Some(Endpoint::Unix(path.clone())));
    let (_c, err) = connect(&Endpoint::Unix(path.clone())).unwrap();
    assert_eq!(err, None);
    std::fs::remove_file(&path).unwrap();
    let (_c, err) = connect(&Endpoint::Unix(path)).unwrap();
    assert_eq!(err, Some(Errno::ENOENT));
}

#[test]
fn a_descriptor_travels_with_its_bytes() {
    let (a, b) = socketpair().unwrap();
    let (p0, _p1) = socketpair().unwrap();
    assert_eq!(sendmsg(a.as_fd(), b"with fd\n", Some(p0.as_fd())).unwrap(), 8);
    let (mut buf, mut fds) = ([0u8; 64], Vec::new());
    let n = recvmsg(b.as_fd(), &mut buf, &mut fds).unwrap();
    assert_eq!(&buf[..n], b"with fd\n");
    assert_eq!(fds.len(), 1);
    // SAFETY: integer-only fcntl on a descriptor the test owns.
    let flags = unsafe { libc::fcntl(fds[0].as_raw_fd(), libc::F_GETFD) };
    assert!(flags & libc::FD_CLOEXEC != 0, "received fds are close-on-exec");
    assert_eq!(recvmsg(b.as_fd(), &mut buf, &mut fds), Err(Errno::EAGAIN));
}

#[test]
fn adopt_makes_a_blocking_inheritable_descriptor_ours() {
    let (rd, _wr) = nix::unistd::pipe().unwrap();
    let flags = |fd: BorrowedFd<'_>| {
        let fl = nix::fcntl::fcntl(fd, nix::fcntl::FcntlArg::F_GETFL).unwrap();
        let fd_fl = nix::fcntl::fcntl(fd, nix::fcntl::FcntlArg::F_GETFD).unwrap();
        (fl & libc::O_NONBLOCK != 0, fd_fl & libc::FD_CLOEXEC != 0, fl & libc::O_ACCMODE)
    };
    assert_eq!(flags(rd.as_fd()), (false, false, libc::O_RDONLY));
    adopt(rd.as_fd()).unwrap();
    assert_eq!(flags(rd.as_fd()), (true, true, libc::O_RDONLY), "non-blocking, close-on-exec, mode kept");
    adopt(rd.as_fd()).unwrap();
    assert_eq!(flags(rd.as_fd()), (true, true, libc::O_RDONLY), "adopting twice changes nothing");
}
