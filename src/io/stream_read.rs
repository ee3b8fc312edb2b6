//! A stream's read side and its readiness reports: `read_start`/`read_stop`, the
//! read loop (bounded reads per wake-up, one `Data` per read, of a fixed or adaptive
//! size, or the reused buffer handed to `Handler::read`), the end of the input, and
//! the dispatch of a ready descriptor to the connect, write and read paths.

use std::os::fd::{BorrowedFd, OwnedFd};

use super::events::{Event, IoError, Source, When};
use super::read_size;
use super::stream::{Kind, OnReadError, Phase, ReadSize, Stream};
use crate::io::reactor::Ready;
use crate::sys::errno::Errno;
use crate::sys::fd::{self as sysfd, Read};
use crate::sys::socket;

impl<C: ?Sized + 'static> Stream<C> {
    /// Starts reading: every read is delivered (`Data`, or `Handler::read`) until
    /// [`Stream::read_stop`] or the end of the input.
    pub fn read_start(&self) {
        self.reading.set(true);
        self.update();
    }

    /// Stops reading: what the peer sends waits in the kernel (the descriptor is
    /// unwatched for reading, so a hung-up peer wakes nobody meanwhile).
    pub fn read_stop(&self) {
        self.reading.set(false);
        self.update();
    }

    pub fn is_reading(&self) -> bool {
        self.reading.get()
    }

    pub(super) fn on_readable(&self, cx: &C, hangup: bool) {
        let per_wake = if self.opts.nonblocking { self.opts.reads_per_wake.max(1) } else { 1 };
        for _ in 0..per_wake {
            if !self.reading.get() || self.eof.get() || self.phase.get() != Phase::Open {
                return;
            }
            let (got, size) = self.read_once(cx);
            match got {
                Got::Read(n) => {
                    self.bytes_read.set(self.bytes_read.get() + n as u64);
                    if n < size && hangup && self.opts.hup_short_read_is_eof {
                        return self.on_eof(cx);
                    }
                    // A short read emptied the pipe, or the socket into the reused
                    // buffer (the fork channel's rule): the poller is level-triggered,
                    // so another read would only say EAGAIN.
                    if n < size && matches!(self.opts.read_size, ReadSize::Adaptive { .. } | ReadSize::Reused(_)) {
                        return;
                    }
                }
                Got::Eof => return self.on_eof(cx),
                Got::WouldBlock => return,
                Got::Failed(errno) => match self.opts.read_error {
                    OnReadError::Error => return self.destroy(Some(IoError::sys(errno, "read"))),
                    OnReadError::Eof => return self.on_eof(cx),
                },
            }
        }
    }

    /// One read, delivered to the handler; how many bytes, and the buffer size.
    fn read_once(&self, cx: &C) -> (Got, usize) {
        match self.opts.read_size {
            ReadSize::Fixed(_) | ReadSize::Adaptive { .. } => {
                let size = self.read_size.get();
                let mut buf = Vec::new();
                let got = match self.opts.kind {
                    Kind::Socket | Kind::Pipe => {
                        buf.reserve_exact(size);
                        match self.with_fd(|fd| sysfd::read_into(fd, &mut buf)) {
                            Some(r) => Got::from(r),
                            None => return (Got::WouldBlock, size),
                        }
                    }
                    Kind::UnixFds => self.read_scratch(&mut buf, size),
                };
                if let Got::Read(n) = got {
                    if let ReadSize::Adaptive { max, .. } = self.opts.read_size {
                        self.read_size.set(read_size::next(size, n, max, |want| self.grow_pipe(want)));
                    }
                    if n < size / 2 {
                        buf.shrink_to_fit();
                    }
                    self.emit(Some(cx), When::Now, Event::Data(buf));
                }
                (got, size)
            }
            ReadSize::Reused(size) => {
                // Taken out while the handler runs, so nothing it calls can find the
                // buffer borrowed.
                let mut buf = std::mem::take(&mut *self.rbuf.borrow_mut());
                if buf.is_empty() {
                    // Zeroed by the allocator (fresh pages, no memset): an idle fork
                    // channel neither pays for nor maps its 256 KiB until data comes.
                    buf = vec![0; size];
                } else {
                    buf.resize(size, 0);
                }
                let mut fds: Vec<OwnedFd> = Vec::new();
                let got =
                    self.with_fd(|fd| read_reused(self.opts.kind, fd, &mut buf, &mut fds)).unwrap_or(Got::WouldBlock);
                if let (Got::Read(n), Some(to)) = (&got, self.to.upgrade()) {
                    to.read(cx, buf.get(..*n).unwrap_or_default(), fds);
                }
                *self.rbuf.borrow_mut() = buf;
                (got, size)
            }
        }
    }

    /// A `recvmsg` for a fresh buffer (descriptors that came along are closed: use
    /// `ReadSize::Reused` where they matter): into the kept scratch buffer, copying
    /// out what came (cheaper than zeroing a new buffer per read).
    fn read_scratch(&self, out: &mut Vec<u8>, size: usize) -> Got {
        let mut scratch = std::mem::take(&mut *self.rbuf.borrow_mut());
        scratch.resize(size, 0);
        let got = self
            .with_fd(|fd| read_reused(self.opts.kind, fd, &mut scratch, &mut Vec::new()))
            .unwrap_or(Got::WouldBlock);
        if let Got::Read(n) = got {
            out.extend_from_slice(scratch.get(..n).unwrap_or_default());
        }
        *self.rbuf.borrow_mut() = scratch;
        got
    }

    /// Asks the kernel for a pipe buffer of `size` bytes; what it gave.
    fn grow_pipe(&self, size: usize) -> Option<usize> {
        self.with_fd(|fd| sysfd::grow_pipe(fd, size)).flatten()
    }

    /// The input is over: stop reading, `End` now.
    fn on_eof(&self, cx: &C) {
        self.eof.set(true);
        self.update();
        self.emit(Some(cx), When::Now, Event::End);
    }
}

/// What one read gave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Got {
    Read(usize),
    Eof,
    WouldBlock,
    Failed(Errno),
}

impl From<Read> for Got {
    fn from(r: Read) -> Got {
        match r {
            Read::Data(n) => Got::Read(n),
            Read::Eof => Got::Eof,
            Read::WouldBlock => Got::WouldBlock,
            Read::Failed(e) => Got::Failed(e),
        }
    }
}

/// One read into `buf` (initialised): read(2) for pipes and sockets, recvmsg with
/// the passed descriptors for `UnixFds`.
fn read_reused(kind: Kind, fd: BorrowedFd, buf: &mut [u8], fds: &mut Vec<OwnedFd>) -> Got {
    match kind {
        Kind::UnixFds => sysfd::read_once(|| socket::recvmsg(fd, buf, fds)),
        Kind::Pipe | Kind::Socket => sysfd::read_slice(fd, buf),
    }
    .into()
}

impl<C: ?Sized + 'static> Source<C> for Stream<C> {
    fn on_ready(&self, cx: &C, ready: Ready) {
        // Kept alive through the report even if a handler drops the last reference.
        let _me = self.rc();
        match self.phase.get() {
            Phase::Connecting => self.on_connected(cx),
            Phase::Open => {
                if ready.writable && self.interest().write {
                    self.on_writable(cx);
                }
                if ready.readable && self.phase.get() == Phase::Open && self.interest().read {
                    self.on_readable(cx, ready.hangup);
                }
            }
            Phase::Idle | Phase::Closed => {}
        }
    }
}
