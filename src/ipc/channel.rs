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

/// The read side's codec: bytes and descriptors in, messages out.
pub struct Reader {
    decoder: Decoder,
    /// Descriptors not yet claimed by a `NODE_HANDLE` line (or closed).
    fds: VecDeque<Received>,
    /// Stream offset of the next byte read.
    read_pos: u64,
}

impl Default for Reader {
    fn default() -> Self {
        Reader { decoder: Decoder::new(MAX_MESSAGE), fds: VecDeque::new(), read_pos: 0 }
    }
}

impl Reader {
    /// One read: `bytes` and the descriptors that came with them. Calls `each` for
    /// every line they complete, in order (a generic call: nothing is collected or
    /// called through a `dyn` per message).
    pub fn feed(&mut self, bytes: &[u8], fds: Vec<OwnedFd>, mut each: impl FnMut(Incoming)) {
        let (from, to) = (self.read_pos, self.read_pos + bytes.len() as u64);
        self.read_pos = to;
        self.fds.extend(fds.into_iter().map(|fd| Received { from, to, fd }));
        let Reader { decoder, fds, .. } = self;
        decoder.push_each(bytes, |start, frame, size| {
            let cmd = match &frame {
                Frame::Message(v) => super::framing::command(v),
                _ => None,
            };
            let handle = if cmd.as_deref() == Some("NODE_HANDLE") { claim_fd(fds, start) } else { None };
            each(Incoming { frame, handle, size, cmd });
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
