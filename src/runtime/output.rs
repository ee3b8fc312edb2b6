//! The one ordered output stream behind `print`, `console.*` and `process.stdout`.
//!
//! Every write goes straight to the descriptor, as Node's console does for terminals
//! and files: a script stuck in a long computation still shows what it printed, and
//! a signal that kills the process cannot lose buffered text. Writes block until the
//! reader takes the bytes, so unlike Node on a pipe, `process.exit()` never truncates.

use std::io;
use std::os::fd::RawFd;

#[derive(Default)]
pub struct Output {
    /// Set once stdout reported EPIPE: later output is dropped.
    broken: bool,
}

impl Output {
    pub fn stdout(&mut self, bytes: &[u8]) -> io::Result<()> {
        if self.broken {
            return Ok(());
        }
        let r = write_all(1, bytes);
        if let Err(e) = &r {
            if e.kind() == io::ErrorKind::BrokenPipe {
                self.broken = true;
            }
        }
        r
    }

    pub fn stderr(&mut self, bytes: &[u8]) -> io::Result<()> {
        write_all(2, bytes)
    }

    /// Nothing is held back; kept so call sites say where order matters (before a
    /// fork, a signal, the exit).
    pub fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Writes everything, waiting out EINTR and EAGAIN (a descriptor someone else made
/// non-blocking).
pub fn write_all(fd: RawFd, mut bytes: &[u8]) -> io::Result<()> {
    while !bytes.is_empty() {
        let n = unsafe { libc::write(fd, bytes.as_ptr().cast(), bytes.len()) };
        if n >= 0 {
            bytes = &bytes[n as usize..];
            continue;
        }
        let e = io::Error::last_os_error();
        match e.kind() {
            io::ErrorKind::Interrupted => {}
            io::ErrorKind::WouldBlock => {
                let mut p = libc::pollfd { fd, events: libc::POLLOUT, revents: 0 };
                unsafe { libc::poll(&mut p, 1, -1) };
            }
            _ => return Err(e),
        }
    }
    Ok(())
}
