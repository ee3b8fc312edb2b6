//! A thin epoll wrapper: file descriptors in, ready tokens out.
//!
//! Descriptors that epoll refuses (regular files, `/dev/null`) are reported as always
//! ready, which is what a read on them does anyway: it never blocks.

use std::collections::HashMap;
use std::io;
use std::os::fd::RawFd;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ready {
    pub token: u64,
    pub readable: bool,
    pub writable: bool,
    pub hangup: bool,
}

pub struct Poller {
    epfd: RawFd,
    /// fd → token for descriptors epoll accepted.
    watched: HashMap<RawFd, u64>,
    /// fd → token for descriptors that are always ready.
    always: HashMap<RawFd, u64>,
    events: Vec<libc::epoll_event>,
}

impl Poller {
    pub fn new() -> io::Result<Poller> {
        // SAFETY: epoll_create1 takes and returns integers only.
        let epfd = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
        if epfd < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(Poller { epfd, watched: HashMap::new(), always: HashMap::new(), events: Vec::with_capacity(64) })
    }

    fn ctl(&self, op: i32, fd: RawFd, token: u64, readable: bool, writable: bool) -> io::Result<()> {
        let mut flags = 0u32;
        if readable {
            flags |= (libc::EPOLLIN | libc::EPOLLRDHUP) as u32;
        }
        if writable {
            flags |= libc::EPOLLOUT as u32;
        }
        let mut ev = libc::epoll_event { events: flags, u64: token };
        // SAFETY: `ev` is a live epoll_event the kernel only reads; `self.epfd` is the
        // epoll descriptor this poller owns; a bad `fd` is an errno.
        if unsafe { libc::epoll_ctl(self.epfd, op, fd, &mut ev) } < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// Watches `fd` (or changes its interest), reporting readiness with `token`.
    pub fn watch(&mut self, fd: RawFd, token: u64, readable: bool, writable: bool) -> io::Result<()> {
        if let Some(t) = self.always.get_mut(&fd) {
            *t = token;
            return Ok(());
        }
        let op = if self.watched.contains_key(&fd) { libc::EPOLL_CTL_MOD } else { libc::EPOLL_CTL_ADD };
        match self.ctl(op, fd, token, readable, writable) {
            Ok(()) => {
                self.watched.insert(fd, token);
                Ok(())
            }
            Err(e) if e.raw_os_error() == Some(libc::EPERM) => {
                self.always.insert(fd, token);
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    pub fn unwatch(&mut self, fd: RawFd) {
        if self.watched.remove(&fd).is_some() {
            let _ = self.ctl(libc::EPOLL_CTL_DEL, fd, 0, false, false);
        }
        self.always.remove(&fd);
    }

    /// Waits up to `timeout_ms` (-1: forever) and returns what is ready.
    pub fn wait(&mut self, timeout_ms: i32) -> io::Result<Vec<Ready>> {
        let timeout = if self.always.is_empty() { timeout_ms } else { 0 };
        self.events.clear();
        // The vector was made with capacity 64 and is never shrunk; the kernel may fill
        // exactly its capacity, never more.
        let cap = self.events.capacity();
        // SAFETY: `events` has room for `cap` epoll_events (its capacity, after clear),
        // and epoll_wait writes at most `cap` of them.
        let n = unsafe { libc::epoll_wait(self.epfd, self.events.as_mut_ptr(), cap as i32, timeout) };
        if n < 0 {
            let e = io::Error::last_os_error();
            if e.kind() == io::ErrorKind::Interrupted {
                return Ok(self.always_ready());
            }
            return Err(e);
        }
        // SAFETY: epoll_wait initialised the first `n` (0 ≤ n ≤ cap) entries.
        unsafe { self.events.set_len(n as usize) };
        let mut out = self.always_ready();
        out.extend(self.events.iter().map(|e| {
            let flags = e.events as i32;
            Ready {
                token: e.u64,
                readable: flags & (libc::EPOLLIN | libc::EPOLLHUP | libc::EPOLLERR | libc::EPOLLRDHUP) != 0,
                writable: flags & (libc::EPOLLOUT | libc::EPOLLERR) != 0,
                hangup: flags & (libc::EPOLLHUP | libc::EPOLLERR) != 0,
            }
        }));
        Ok(out)
    }

    fn always_ready(&self) -> Vec<Ready> {
        self.always.values().map(|&token| Ready { token, readable: true, writable: true, hangup: false }).collect()
    }
}

impl Drop for Poller {
    fn drop(&mut self) {
        let _ = nix::unistd::close(self.epfd);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipe_becomes_readable() {
        let mut fds = [0; 2];
        // SAFETY: `fds` has room for the two descriptors pipe2 writes.
        assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
        let mut p = Poller::new().unwrap();
        p.watch(fds[0], 7, true, false).unwrap();
        assert!(p.wait(0).unwrap().is_empty());
        // SAFETY: the source is a 1-byte static string and the length is 1.
        assert_eq!(unsafe { libc::write(fds[1], b"x".as_ptr().cast(), 1) }, 1);
        let ready = p.wait(1000).unwrap();
        assert_eq!(ready.len(), 1);
        assert!(ready[0].readable && ready[0].token == 7);
        p.unwatch(fds[0]);
        // SAFETY: both descriptors are the test's own, closed once here.
        unsafe {
            libc::close(fds[0]);
            libc::close(fds[1]);
        }
    }
}
