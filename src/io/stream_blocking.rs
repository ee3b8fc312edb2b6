//! A stream's blocking-writes mode (`StreamOpts::blocking_writes`), libuv's
//! `UV_HANDLE_BLOCKING_WRITES` (src/unix/stream.c, `uv__write`: "If this is a
//! blocking stream, try again", and `uv_write2`: "blocking streams should never have
//! anything in the queue"), which Node's stdout uses on a terminal: a write goes out
//! completely inside the call, and its completion still comes later, as any write's
//! (libuv feeds it to the loop, `uv__write_req_finish`; here a tick, the rule of a
//! queued write that went out at once), so a binding has one rule for completions.
//!
//! What differs from a queued write: no queue, no watch (the descriptor is never in
//! epoll for writing, so a write-only stream is never in epoll at all: a regular file
//! works), no `Drain`, nothing for the exit flush, and no per-write allocation (the
//! bytes are borrowed). The descriptor is left as it was: blocking, normally; if
//! someone sharing its file description made it non-blocking, a short write waits in
//! `poll` and goes on. A failed write fails that write only (its completion and the
//! caller hear the error, mapped as every stream's: `IoError::Sys` with `write`); the
//! stream stays open and the next write tries again (Node's stdout, whose `destroy`
//! does nothing, tries every write).

use std::io::IoSlice;
use std::os::fd::BorrowedFd;

use super::events::{Event, IoError, When};
use super::stream::{Phase, Stream};
use super::stream_opts::Kind;
use super::stream_write::write_some;
use crate::sys::errno::SysResult;
use crate::sys::fd as sysfd;

impl<C: ?Sized + 'static> Stream<C> {
    /// Writes all of `bytes` now (blocking-writes mode); `Written { id }` follows on
    /// a tick, with the error if it failed. The error is also returned, so a caller
    /// can act inside the write (stdout's reader went away and nobody listens: the
    /// process ends there, which is what stops a busy loop that only prints).
    pub fn write_through(&self, bytes: &[u8], id: Option<u64>) -> Result<(), IoError> {
        let r = self.write_blocking(bytes);
        if let Some(id) = id {
            self.emit(None, When::Tick, Event::Written { id, err: r.as_ref().err().cloned() });
        }
        r
    }

    /// The completion of a write the stream's owner sent elsewhere instead (the REPL
    /// shows output through its line editor): posted as the stream's own would be, so
    /// the binding keeps its one rule.
    pub fn written_elsewhere(&self, id: u64, err: Option<IoError>) {
        self.emit(None, When::Tick, Event::Written { id, err });
    }

    fn write_blocking(&self, bytes: &[u8]) -> Result<(), IoError> {
        match self.phase.get() {
            Phase::Open => {}
            Phase::Idle | Phase::Connecting | Phase::Closed => return Err(IoError::Destroyed),
        }
        if self.ending.get() {
            return Err(IoError::WriteAfterEnd);
        }
        let kind = self.opts.kind;
        match self.with_fd(|fd| write_all(kind, fd, bytes)) {
            Some(Ok(())) => {
                self.bytes_written.set(self.bytes_written.get() + bytes.len() as u64);
                Ok(())
            }
            Some(Err(errno)) => Err(IoError::sys(errno, "write")),
            None => Err(IoError::Destroyed),
        }
    }
}

/// Writes everything with the stream kind's system call: EINTR retried, a short
/// count (the descriptor is non-blocking after all) waited out in `poll`.
fn write_all(kind: Kind, fd: BorrowedFd<'_>, bytes: &[u8]) -> SysResult<()> {
    sysfd::write_all_waiting(fd, bytes, |rest| write_some(kind, fd, &[IoSlice::new(rest)], None))
}
