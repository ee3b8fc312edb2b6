//! The one ordered output stream behind `print`, `console.*` and `process.stdout`.
//!
//! Stdout is buffered and flushed at the end of every macrotask, before the loop
//! blocks, before a signal is sent and at exit; stderr is written at once, after
//! flushing stdout so the two stay in order on a terminal. Writes block until the
//! reader takes the bytes: unlike Node on a pipe, `process.exit()` never truncates.

use std::io;
use std::os::fd::RawFd;

/// Flush early when this much is buffered.
const HIGH_WATER: usize = 64 * 1024;

#[derive(Default)]
pub struct Output {
    buf: Vec<u8>,
    /// Set once stdout reported EPIPE: later output is dropped.
    broken: bool,
}

impl Output {
    pub fn stdout(&mut self, bytes: &[u8]) -> io::Result<()> {
        if self.broken {
            return Ok(());
        }
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= HIGH_WATER {
            return self.flush();
        }
        Ok(())
    }

    pub fn stderr(&mut self, bytes: &[u8]) -> io::Result<()> {
        let _ = self.flush();
        write_all(2, bytes)
    }

    pub fn flush(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let r = write_all(1, &self.buf);
        self.buf.clear();
        if let Err(e) = &r {
            if e.kind() == io::ErrorKind::BrokenPipe {
                self.broken = true;
            }
        }
        r
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
