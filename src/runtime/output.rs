//! The one ordered output path behind `print`, `console.*`, `process.stdout`/`stderr`,
//! uncaught-error reports, the REPL's printer and `child.stdout.pipe(process.stdout)`.
//!
//! Fd 1 and 2 are each an I/O core stream with blocking writes
//! (`io::stream_blocking`, libuv's `UV_HANDLE_BLOCKING_WRITES`, as Node's stdout on a
//! terminal), attached by the bindings (`api::stdio`: `process.stdout`/`stderr` are
//! their handlers, hearing the write completions). Every write goes out completely
//! inside the call, as Node's console does for terminals and files: a script stuck in
//! a long computation still shows what it printed, a signal that kills the process
//! cannot lose buffered text, and, unlike Node on a pipe, `process.exit()` never
//! truncates. Until the streams are attached (a bare runtime in tests) output goes
//! straight to the descriptors.
//!
//! A reader that went away (EPIPE; SIGPIPE is ignored) fails that write; the runtime
//! is told of each failed write ([`Output::take_broken`]) so it can emit `error` on
//! `process.stdout`/`stderr` once per write, as Node does, or, with no listener, end
//! the process (`State::after_output`). The next write tries again, as Node's does.

use std::rc::Rc;

use super::Runtime;
use crate::io::{IoError, Stream};
use crate::sys::errno::{Errno, SysResult};
pub use crate::sys::fd::StdOutput;

/// Where output goes instead of fd 1 and 2: the REPL prints through its line editor,
/// so text written while a prompt is up appears above it.
pub trait Sink {
    fn write(&mut self, to: StdOutput, bytes: &[u8]) -> SysResult<()>;
    fn flush(&mut self) -> SysResult<()>;
}

#[derive(Default)]
pub struct Output {
    /// The streams on fd 1 and 2, once attached.
    streams: [Option<Rc<Stream<Runtime>>>; 2],
    /// A stream whose write failed with EPIPE, not yet handled by the runtime.
    failed: Option<StdOutput>,
    /// The REPL's printer; `None` (scripts): through the streams.
    pub sink: Option<Box<dyn Sink>>,
}

impl Output {
    /// Sends `to`'s output through `s` (a stream with blocking writes on a duplicate of
    /// its descriptor) from now on.
    pub fn attach(&mut self, to: StdOutput, s: Rc<Stream<Runtime>>) {
        self.streams[usize::from(to == StdOutput::Err)] = Some(s);
    }

    pub fn stdout(&mut self, bytes: &[u8]) -> Result<(), IoError> {
        self.write(StdOutput::Out, bytes, None)
    }

    pub fn stderr(&mut self, bytes: &[u8]) -> Result<(), IoError> {
        self.write(StdOutput::Err, bytes, None)
    }

    /// Writes all of `bytes` to `to` now; `Written { id }` reaches the stream's
    /// handler on a tick (with the REPL's printer too: it took the bytes instead).
    pub fn write(&mut self, to: StdOutput, bytes: &[u8], id: Option<u64>) -> Result<(), IoError> {
        let stream = self.streams[usize::from(to == StdOutput::Err)].as_ref();
        let r = match (self.sink.as_mut(), stream) {
            (None, Some(s)) => s.write_through(bytes, id),
            (Some(sink), s) => {
                let r = sink.write(to, bytes).map_err(|e| IoError::sys(e, "write"));
                if let (Some(s), Some(id)) = (s, id) {
                    s.written_elsewhere(id, r.clone().err());
                }
                r
            }
            (None, None) => crate::sys::fd::write_all_blocking(to.fd(), bytes).map_err(|e| IoError::sys(e, "write")),
        };
        if let Err(IoError::Sys { errno: Errno::EPIPE, .. }) = r {
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
    pub fn flush(&mut self) -> SysResult<()> {
        match self.sink.as_mut() {
            Some(sink) => sink.flush(),
            None => Ok(()),
        }
    }
}

/// Writes everything straight to the descriptor, waiting out EINTR and EAGAIN (a
/// descriptor someone else made non-blocking): before the streams are attached, and
/// for the REPL's own terminal output.
pub fn write_all(to: StdOutput, bytes: &[u8]) -> SysResult<()> {
    crate::sys::fd::write_all_blocking(to.fd(), bytes)
}
