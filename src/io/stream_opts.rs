//! How an `io::Stream` behaves, chosen per binding: which system calls move the
//! bytes, when `Drain` follows a full write, how reads are sized, what a failed read
//! means, and the liveness and timing rules the fork channel, child pipes, stdin and
//! stdout need apart from a `net` socket's.

/// Which system calls move the bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `read`/`write`; `end()` closes the descriptor (a pipe's write end).
    Pipe,
    /// `recv`/`send` with MSG_NOSIGNAL; `end()` is `shutdown(SHUT_WR)`.
    Socket,
    /// `recvmsg`/`sendmsg` with SCM_RIGHTS (the fork channel); `end()` as a socket.
    UnixFds,
}

/// When `Drain` follows a `write()` that returned false.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DrainAt {
    /// Once everything is written (Node's streams).
    Empty,
    /// Once the queue is below the high-water mark (procbox's sockets, kept).
    BelowHighWater,
}

/// How the stream reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadSize {
    /// A new buffer of this size per read, handed over as [`Event::Data`].
    Fixed(usize),
    /// One buffer of this size, reused: bytes (and passed descriptors) go to
    /// [`Handler::read`].
    Reused(usize),
    /// A new buffer per read, of `first` bytes at first; a read that comes back full
    /// grows the pipe (`F_SETPIPE_SZ`) and the reads, up to `max` (see
    /// `io::read_size`). A short read ends the wake-up: the pipe is empty.
    Adaptive { first: usize, max: usize },
}

/// What a failed read means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnReadError {
    /// `Error`, then `Close` (sockets).
    Error,
    /// The end of the input (pipes and stdin, as they always behaved).
    Eof,
}

#[derive(Clone, Copy, Debug)]
pub struct StreamOpts {
    pub kind: Kind,
    /// `write()` returns false from this many queued bytes on.
    pub high_water: usize,
    pub drain_at: DrainAt,
    pub read_size: ReadSize,
    /// Reads per readiness report, so one busy stream cannot starve the others.
    pub reads_per_wake: usize,
    /// A short read together with a hang-up is the end (child pipes: no extra wake-up
    /// for the EOF).
    pub hup_short_read_is_eof: bool,
    pub read_error: OnReadError,
    /// Set O_NONBLOCK on an adopted descriptor. False for an inherited stdin (its
    /// file description is shared): then one read per readiness report.
    pub nonblocking: bool,
    /// A destroyed stream's `Error` comes on a tick, not in the close phase (a
    /// child's stdin, as procbox always had it); `Close` stays in the close phase.
    pub error_on_tick: bool,
    /// Queued writes keep the loop alive (libuv's write request). False for the fork
    /// channel: what it still has queued at exit goes through the exit flush, under
    /// its deadline, instead of holding the process.
    pub writes_keep_alive: bool,
    /// A failed write stops the writing only (each queued write hears the error) and
    /// the stream reads on to the peer's EOF, instead of being destroyed: what the
    /// peer sent before it went is still delivered (the fork channel).
    pub write_error_keeps_reading: bool,
    /// Blocking writes (libuv's `UV_HANDLE_BLOCKING_WRITES`, Node's stdout on a
    /// terminal): each write goes out completely inside the call, on a descriptor left
    /// as it is (blocking, being shared; a non-blocking one is waited out in `poll`),
    /// with no queue, no watch, no `Drain`; its completion comes on a tick as a queued
    /// write's. A failed write fails that write only: the stream stays open and the
    /// next write tries again (see `io::stream_blocking`). `process.stdout`/`stderr`.
    pub blocking_writes: bool,
}

impl StreamOpts {
    /// A `net` socket as procbox always had it.
    pub fn socket() -> StreamOpts {
        StreamOpts {
            kind: Kind::Socket,
            high_water: 16 * 1024,
            drain_at: DrainAt::BelowHighWater,
            read_size: ReadSize::Fixed(64 * 1024),
            reads_per_wake: 16,
            hup_short_read_is_eof: false,
            read_error: OnReadError::Error,
            nonblocking: true,
            error_on_tick: false,
            writes_keep_alive: true,
            write_error_keeps_reading: false,
            blocking_writes: false,
        }
    }

    /// One end of a pipe (a child's stdio), Node's stream rules and procbox's pipe
    /// reads: 64 KiB growing to 1 MiB, a short read with a hang-up is the end, a read
    /// error is the end.
    pub fn pipe() -> StreamOpts {
        StreamOpts {
            kind: Kind::Pipe,
            drain_at: DrainAt::Empty,
            read_size: ReadSize::Adaptive { first: 64 * 1024, max: crate::sys::fd::BIG_PIPE },
            hup_short_read_is_eof: true,
            read_error: OnReadError::Eof,
            ..StreamOpts::socket()
        }
    }

    /// Standard output or error: write-only, blocking writes on the descriptor as
    /// inherited (never made non-blocking: its file description is the shell's and
    /// the children's too); `write(2)`, which fits every kind of descriptor fd 1 can be.
    pub fn blocking_output() -> StreamOpts {
        StreamOpts {
            nonblocking: false,
            blocking_writes: true,
            // Nothing is ever queued; and stdout never keeps the loop alive.
            writes_keep_alive: false,
            ..StreamOpts::pipe()
        }
    }
}
