//! `sendmsg`/`recvmsg` on a Unix stream socket, with one descriptor riding along as
//! SCM_RIGHTS (how Node's `NODE_HANDLE` messages carry servers and sockets).
//! Received descriptors are close-on-exec from the start (MSG_CMSG_CLOEXEC).

use std::io;
use std::os::fd::{FromRawFd, OwnedFd, RawFd};

const CMSG_SPACE: usize = 64;

/// Control-message buffer: u64 elements so that it is aligned for `cmsghdr`, which the
/// CMSG_* macros dereference (a byte array may sit at any address).
type CmsgBuf = [u64; CMSG_SPACE / 8];

/// Sends `data` (non-blocking), attaching `pass` to its first byte.
pub fn send(fd: RawFd, data: &[u8], pass: Option<RawFd>) -> io::Result<usize> {
    let mut iov = libc::iovec { iov_base: data.as_ptr() as *mut _, iov_len: data.len() };
    let mut cmsg_buf: CmsgBuf = [0; CMSG_SPACE / 8];
    // SAFETY: msghdr is plain old data (integers and pointers); all-zero is valid and
    // means "no name, no iovecs, no control data".
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
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
            std::ptr::write_unaligned(libc::CMSG_DATA(c).cast::<RawFd>(), pass);
        }
    }
    // SAFETY: every pointer in `msg` (the iovec over `data`, the control buffer) points
    // to live locals or `data`, with the lengths set above; the kernel only reads them.
    let n = unsafe { libc::sendmsg(fd, &msg, libc::MSG_NOSIGNAL | libc::MSG_DONTWAIT) };
    if n < 0 { Err(io::Error::last_os_error()) } else { Ok(n as usize) }
}

/// Receives into `buf` (non-blocking); descriptors that came along go to `fds`.
pub fn recv(fd: RawFd, buf: &mut [u8], fds: &mut Vec<OwnedFd>) -> io::Result<usize> {
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
    let n = unsafe { libc::recvmsg(fd, &mut msg, libc::MSG_CMSG_CLOEXEC | libc::MSG_DONTWAIT) };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
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
/// An AF_UNIX stream socketpair, both ends close-on-exec (the spawner dup2s the
/// child's end onto its channel fd, which clears the flag there only).
pub fn socketpair() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors socketpair writes.
    if unsafe { libc::socketpair(libc::AF_UNIX, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0, fds.as_mut_ptr()) } < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: two fresh descriptors that nothing else owns.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::AsRawFd;

    #[test]
    fn a_descriptor_travels_with_its_bytes() {
        let (a, b) = socketpair().unwrap();
        let (p0, _p1) = socketpair().unwrap();
        assert_eq!(send(a.as_raw_fd(), b"with fd\n", Some(p0.as_raw_fd())).unwrap(), 8);
        let (mut buf, mut fds) = ([0u8; 64], Vec::new());
        let n = recv(b.as_raw_fd(), &mut buf, &mut fds).unwrap();
        assert_eq!(&buf[..n], b"with fd\n");
        assert_eq!(fds.len(), 1);
        // SAFETY: integer-only fcntl on a descriptor the test owns.
        let flags = unsafe { libc::fcntl(fds[0].as_raw_fd(), libc::F_GETFD) };
        assert!(flags & libc::FD_CLOEXEC != 0, "received fds are close-on-exec");
    }
}
