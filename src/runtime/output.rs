//! The one ordered output stream behind `print`, `console.*` and `process.stdout`.
//!
//! Every write goes straight to the descriptor, as Node's console does for terminals
//! and files: a script stuck in a long computation still shows what it printed, and
//! a signal that kills the process cannot lose buffered text. Writes block until the
//! reader takes the bytes, so unlike Node on a pipe, `process.exit()` never truncates.

use std::io;
use std::os::fd::RawFd;

/// Where output goes instead of fd 1 and 2: the REPL prints through its line editor,
/// so text written while a prompt is up appears above it.
pub trait Sink {
    fn write(&mut self, fd: RawFd, bytes: &[u8]) -> io::Result<()>;
    fn flush(&mut self) -> io::Result<()>;
}

#[derive(Default)]
pub struct Output {
    /// Set once stdout reported EPIPE: later output is dropped.
    broken: bool,
    /// The REPL's printer; `None` (scripts): straight to the descriptors.
    pub sink: Option<Box<dyn Sink>>,
}

impl Output {
    pub fn stdout(&mut self, bytes: &[u8]) -> io::Result<()> {
        if self.broken {
            return Ok(());
        }
        if let Some(sink) = self.sink.as_mut() {
            return sink.write(1, bytes);
        }
        let r = write_all(1, bytes);
        if let Err(e) = &r
            && e.kind() == io::ErrorKind::BrokenPipe
        {
            self.broken = true;
        }
        r
    }

    pub fn stderr(&mut self, bytes: &[u8]) -> io::Result<()> {
        if let Some(sink) = self.sink.as_mut() {
            return sink.write(2, bytes);
        }
        write_all(2, bytes)
    }

    /// Nothing is held back, except by the REPL's printer; kept so call sites say where
    /// order matters (before a fork, a signal, the exit).
    pub fn flush(&mut self) -> io::Result<()> {
        match self.sink.as_mut() {
            Some(sink) => sink.flush(),
            None => Ok(()),
        }
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
