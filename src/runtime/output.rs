//! The one ordered output stream behind `print`, `console.*` and `process.stdout`.
//!
//! Every write goes straight to the descriptor, as Node's console does for terminals
//! and files: a script stuck in a long computation still shows what it printed, and
//! a signal that kills the process cannot lose buffered text. Writes block until the
//! reader takes the bytes, so unlike Node on a pipe, `process.exit()` never truncates.
//!
//! A reader that went away (EPIPE; SIGPIPE is ignored) marks that stream broken: its
//! later output is dropped and fails with EPIPE again without a system call (Node
//! tries the write and gets EPIPE again), and the runtime is told of each failed write
//! ([`Output::take_broken`]) so it can emit `error` on `process.stdout`/`stderr` once
//! per write, as Node does, or, with no listener, end the process
//! (`State::after_output`).

use std::io;

pub use crate::sys::fd::StdOutput;

/// Where output goes instead of fd 1 and 2: the REPL prints through its line editor,
/// so text written while a prompt is up appears above it.
pub trait Sink {
    fn write(&mut self, to: StdOutput, bytes: &[u8]) -> io::Result<()>;
    fn flush(&mut self) -> io::Result<()>;
}

#[derive(Default)]
pub struct Output {
    /// Per stream (stdout, stderr): set once it reported EPIPE; later output is dropped.
    broken: [bool; 2],
    /// A stream whose write failed with EPIPE, not yet handled by the runtime.
    failed: Option<StdOutput>,
    /// The REPL's printer; `None` (scripts): straight to the descriptors.
    pub sink: Option<Box<dyn Sink>>,
}

impl Output {
    pub fn stdout(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.write(StdOutput::Out, bytes)
    }

    pub fn stderr(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.write(StdOutput::Err, bytes)
    }

    fn write(&mut self, to: StdOutput, bytes: &[u8]) -> io::Result<()> {
        let i = usize::from(to == StdOutput::Err);
        if self.broken[i] {
            self.failed.get_or_insert(to);
            return Err(io::Error::from_raw_os_error(libc::EPIPE));
        }
        let r = match self.sink.as_mut() {
            Some(sink) => sink.write(to, bytes),
            None => write_all(to, bytes),
        };
        if let Err(e) = &r
            && e.kind() == io::ErrorKind::BrokenPipe
        {
            self.broken[i] = true;
            self.failed.get_or_insert(to);
        }
        r
    }

    /// The stream's number (1 or 2: the `fd` of `process.stdout`/`stderr`, which
    /// names it to the bindings) whose write failed with EPIPE since the last call.
    pub fn take_broken(&mut self) -> Option<i32> {
        self.failed.take().map(StdOutput::number)
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
pub fn write_all(to: StdOutput, bytes: &[u8]) -> io::Result<()> {
    crate::sys::fd::write_all_blocking(to.fd(), bytes).map_err(io::Error::from)
}
