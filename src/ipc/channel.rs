//! One end of a fork channel as bytes. The socket is an `io::Stream` of kind
//! `UnixFds` ([`stream_opts`]): its write queue passes descriptors, holds later
//! messages behind the `NODE_HANDLE_ACK` gate and goes through the exit flush; its
//! reads land in one reused 256 KiB buffer. What is left here is the read side's
//! codec, [`Reader`]: the lines a read completes, decoded in one batch, each
//! `NODE_HANDLE` line with the descriptor that came along with its first bytes.
//! No scripting here; the bindings (`api::ipc`) drive it.
//!
//! Node's rules kept: `send()` reports false once 128 KiB wait in the queue (the
//! message is still queued and sent in order); while a handle waits for the peer's
//! `NODE_HANDLE_ACK`, every later message is held back. Done better: what is queued
//! when the process exits is still delivered, whatever its size.

use std::collections::VecDeque;
use std::os::fd::OwnedFd;

use memchr::memmem;
use rhai::ImmutableString;

use super::framing::{Decoder, Frame};
use crate::io::stream::{Kind, OnReadError, ReadSize, StreamOpts};

/// Above this many queued bytes `send()` returns false (Node's value).
pub const HIGH_WATER: usize = 128 * 1024;
/// The longest message line accepted.
pub const MAX_MESSAGE: usize = 256 << 20;
/// Kept between reads: zeroing a fresh 256 KiB buffer per read cost more than the
/// rest of a small message's trip (a fifth of a pool's time, measured).
const READ_BUFFER: usize = 256 * 1024;

/// How a channel's stream moves its bytes.
pub fn stream_opts() -> StreamOpts {
    StreamOpts {
        kind: Kind::UnixFds,
        high_water: HIGH_WATER,
        read_size: ReadSize::Reused(READ_BUFFER),
        // Bounded so one busy peer cannot starve the rest of the loop.
        reads_per_wake: 64,
        // A reset peer (or any read failure) ends the channel like its EOF.
        read_error: OnReadError::Eof,
        // The channel's liveness is its own rule (parent: while open; child: while
        // listened to); what it has queued at exit is the exit flush's.
        writes_keep_alive: false,
        // A peer that went may have sent answers we have not read yet (a pool
        // worker's last results): a failed write stops the writing, not the reading.
        write_error_keeps_reading: true,
        ..StreamOpts::socket()
    }
}

/// A descriptor received with the stream bytes `from..to`: the kernel ends a read
/// right after the bytes it came with, so it belongs to a line starting in there.
struct Received {
    from: u64,
    to: u64,
    fd: OwnedFd,
}

/// A message from the peer, with the descriptor that came with it (if any).
pub struct Incoming {
    pub frame: Frame,
    pub handle: Option<OwnedFd>,
    /// Bytes the line took on the wire (its newline included).
    pub size: usize,
    /// The message's `cmd` field (a string in an object), looked up once here.
    pub cmd: Option<ImmutableString>,
}

/// A line as the reader hands it over.
pub enum Line<'a> {
    /// Decoded now (with its `cmd`, and its descriptor).
    Now(Incoming),
    /// A plain message line (its text, newline left out) whose decoding may wait for
    /// its tick: it has no `cmd` key, so it is no internal message and passes no
    /// descriptor (see [`Reader::feed`]).
    Later(&'a [u8]),
}

/// Lines up to this long may be decoded later; a longer one is decoded at once (its
/// copy would cost more than its allocations gain).
pub const LATER_MAX: usize = 16 * 1024;

/// The read side's codec: bytes and descriptors in, messages out.
pub struct Reader {
    decoder: Decoder,
    /// Descriptors not yet claimed by a `NODE_HANDLE` line (or closed).
    fds: VecDeque<Received>,
    /// Stream offset of the next byte read.
    read_pos: u64,
    /// Finds a `cmd` key in a line's text.
    cmd_key: memmem::Finder<'static>,
}

impl Default for Reader {
    fn default() -> Self {
        Reader {
            decoder: Decoder::new(MAX_MESSAGE),
            fds: VecDeque::new(),
            read_pos: 0,
            cmd_key: memmem::Finder::new(b"cmd\""),
        }
    }
}

impl Reader {
    /// One read: `bytes` and the descriptors that came with them. Calls `each` for
    /// every line they complete, in order (a generic call: nothing is collected or
    /// called through a `dyn` per message). With `later`, in a read of more than one
    /// line, a short line that is surely neither internal nor a handle's (no
    /// backslash, so no escaped key, and no `cmd"` in it) comes undecoded,
    /// [`Line::Later`]: the binding decodes it on its tick, right before its listener
    /// runs. A read brings hundreds of messages;
    /// decoded all at once, their allocations outran malloc's per-thread cache and
    /// went the slow way both when made and when freed (about 1 300 instructions a
    /// message), while one decoded, used and dropped at a time reuse the same memory.
    pub fn feed(&mut self, bytes: &[u8], fds: Vec<OwnedFd>, later: bool, mut each: impl FnMut(Line<'_>)) {
        let (from, to) = (self.read_pos, self.read_pos + bytes.len() as u64);
        self.read_pos = to;
        self.fds.extend(fds.into_iter().map(|fd| Received { from, to, fd }));
        // A read of one message (a round trip's) gains nothing by waiting: it is
        // decoded now, without the copy.
        let later = later && super::framing::find_newline(bytes).is_some_and(|nl| nl + 1 < bytes.len());
        let Reader { decoder, fds, cmd_key, .. } = self;
        decoder.push_lines(bytes, |start, line, size| {
            let frame = match line {
                Ok(text) if later && text.len() <= LATER_MAX && plain(cmd_key, text) => return each(Line::Later(text)),
                Ok(text) => super::framing::decode(text),
                Err(n) => Frame::TooLarge(n),
            };
            let cmd = match &frame {
                Frame::Message(v) => super::framing::command(v),
                _ => None,
            };
            let handle = if cmd.as_deref() == Some("NODE_HANDLE") { claim_fd(fds, start) } else { None };
            each(Line::Now(Incoming { frame, handle, size, cmd }));
        });
        let next_start = self.decoder.next_start();
        // No line will start where these arrived any more: nothing can claim them.
        while self.fds.front().is_some_and(|r| r.to <= next_start) {
            self.fds.pop_front();
        }
    }

    /// The peer's EOF: descriptors nobody claimed are closed, and a partial last
    /// line is reported (as malformed), not dropped.
    pub fn finish(&mut self) -> Option<Frame> {
        self.fds.clear();
        self.decoder.finish()
    }

    #[cfg(test)]
    fn open_fds(&self) -> usize {
        self.fds.len()
    }
}

/// No backslash (every key is written as it is) and no `cmd` key.
fn plain(cmd_key: &memmem::Finder<'static>, text: &[u8]) -> bool {
    memchr::memchr(b'\\', text).is_none() && cmd_key.find(text).is_none()
}

/// The descriptor that came with the bytes where a `NODE_HANDLE` line starts;
/// earlier ones that no line claimed are closed on the way.
fn claim_fd(fds: &mut VecDeque<Received>, start: u64) -> Option<OwnedFd> {
    while fds.front().is_some_and(|r| r.to <= start) {
        fds.pop_front();
    }
    match fds.front() {
        Some(r) if r.from <= start => fds.pop_front().map(|r| r.fd),
        _ => None,
    }
}

#[cfg(test)]
#[path = "channel_tests.rs"]
mod tests;
