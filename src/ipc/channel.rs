//! One end of a fork channel: a non-blocking Unix stream socket with an ordered write
//! queue and a frame decoder. No scripting here; the bindings drive it from the loop.
//!
//! Node's rules kept: `send()` reports false once 128 KiB wait in the queue (the
//! message is still queued and sent in order); while a handle waits for the peer's
//! `NODE_HANDLE_ACK`, every later message is held back. Done better: what is queued
//! when the process exits is still delivered, whatever its size (the channel's
//! binding registers it with the exit flush, `crate::io::flush`).

use std::collections::VecDeque;
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use super::framing::{Decoder, Frame, Located};
use crate::sys::errno::Errno;
use crate::sys::{fd, socket};

/// Above this many queued bytes `send()` returns false (Node's value).
pub const HIGH_WATER: usize = 128 * 1024;
/// The longest message line accepted.
pub const MAX_MESSAGE: usize = 256 << 20;

struct Outgoing {
    bytes: Vec<u8>,
    sent: usize,
    /// A descriptor to pass with the first byte; closed once sent.
    handle: Option<OwnedFd>,
    id: u64,
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
    /// Bytes the line took on the wire (its newline included; 0 when unknown).
    pub size: usize,
}

pub struct Channel {
    fd: OwnedFd,
    out: VecDeque<Outgoing>,
    /// Sends held back while a handle awaits its ACK.
    held: VecDeque<Outgoing>,
    awaiting_ack: bool,
    queued: usize,
    next_id: u64,
    decoder: Decoder,
    /// Descriptors not yet claimed by a `NODE_HANDLE` line (or closed).
    fds: VecDeque<Received>,
    /// Stream offset of the next byte read.
    read_pos: u64,
    /// Kept between reads: zeroing a fresh 256 KiB buffer per read cost more than
    /// the rest of a small message's trip (a fifth of a pool's time, measured).
    rbuf: Vec<u8>,
}

impl Channel {
    pub fn new(fd: OwnedFd) -> io::Result<Channel> {
        fd::set_nonblocking(fd.as_fd(), true)?;
        Ok(Channel {
            fd,
            out: VecDeque::new(),
            held: VecDeque::new(),
            awaiting_ack: false,
            queued: 0,
            next_id: 1,
            decoder: Decoder::new(MAX_MESSAGE),
            fds: VecDeque::new(),
            read_pos: 0,
            rbuf: Vec::new(),
        })
    }

    pub fn fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }

    /// Queues one encoded message (and a descriptor to pass). Returns its id and
    /// whether the queue is still below the high-water mark.
    pub fn enqueue(&mut self, bytes: Vec<u8>, handle: Option<OwnedFd>) -> (u64, bool) {
        let id = self.next_id;
        self.next_id += 1;
        self.queued += bytes.len();
        let has_handle = handle.is_some();
        let item = Outgoing { bytes, sent: 0, handle, id };
        if self.awaiting_ack {
            self.held.push_back(item);
        } else {
            self.out.push_back(item);
            self.awaiting_ack = has_handle;
        }
        (id, self.queued < HIGH_WATER)
    }

    /// The peer acknowledged the handle in flight: release what was held back, up to
    /// and including the next message that carries a handle.
    pub fn ack(&mut self) {
        self.awaiting_ack = false;
        while let Some(item) = self.held.pop_front() {
            let has_handle = item.handle.is_some();
            self.out.push_back(item);
            if has_handle {
                self.awaiting_ack = true;
                break;
            }
        }
        if self.held.is_empty() {
            shrink(&mut self.held);
        }
    }

    pub fn wants_write(&self) -> bool {
        !self.out.is_empty()
    }

    /// Writes what the socket takes now; returns the ids of messages fully written.
    pub fn flush(&mut self) -> io::Result<Vec<u64>> {
        let mut done = Vec::new();
        while let Some(item) = self.out.front_mut() {
            let pass = if item.sent == 0 { item.handle.as_ref().map(|h| h.as_fd()) } else { None };
            match socket::sendmsg(self.fd.as_fd(), &item.bytes[item.sent..], pass) {
                Ok(n) => {
                    item.sent += n;
                    item.handle = None;
                    self.queued -= n;
                    if item.sent == item.bytes.len() {
                        done.push(item.id);
                        self.out.pop_front();
                        if self.out.is_empty() {
                            shrink(&mut self.out);
                        }
                    }
                }
                Err(Errno::EAGAIN) => break,
                Err(Errno::EINTR) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(done)
    }

    /// The channel is ending (`disconnect()`, or the process exits): nothing will
    /// come back to acknowledge a handle, so what waits for an ACK goes out in order.
    pub fn release_held(&mut self) {
        self.awaiting_ack = false;
        self.out.extend(self.held.drain(..));
        shrink(&mut self.held);
    }

    /// Something is queued (written or held back).
    pub fn has_output(&self) -> bool {
        !self.out.is_empty() || !self.held.is_empty()
    }

    /// Messages not completely written (held ones included) and their bytes left.
    pub fn backlog(&self) -> (usize, usize) {
        (self.out.len() + self.held.len(), self.queued)
    }

    /// Reads and drops what the peer sent (a channel that is going away delivers
    /// nothing more, as Node's closed one does; descriptors that came along are
    /// closed). True at the peer's EOF (or a reset).
    pub fn discard_input(&mut self) -> io::Result<bool> {
        let mut buf = [0u8; 16 * 1024];
        for _ in 0..64 {
            let mut fds = Vec::new();
            match socket::recvmsg(self.fd.as_fd(), &mut buf, &mut fds) {
                Ok(0) => return Ok(true),
                Ok(n) => self.read_pos += n as u64,
                Err(Errno::EAGAIN) => return Ok(false),
                Err(Errno::EINTR) => {}
                Err(Errno::ECONNRESET) => return Ok(true),
                Err(e) => return Err(e.into()),
            }
        }
        Ok(false)
    }

    /// Reads what is available. Returns the decoded messages and whether the peer
    /// closed its end (a partial last line is then reported as malformed).
    pub fn read(&mut self) -> io::Result<(Vec<Incoming>, bool)> {
        if self.rbuf.is_empty() {
            self.rbuf = vec![0u8; 256 * 1024];
        }
        let buf = &mut self.rbuf;
        let mut frames = Vec::new();
        let mut received = Vec::new();
        let mut eof = false;
        // Bounded so one busy peer cannot starve the rest of the loop.
        for _ in 0..64 {
            match socket::recvmsg(self.fd.as_fd(), buf, &mut received) {
                Ok(0) => {
                    eof = true;
                    break;
                }
                Ok(n) => {
                    let (from, to) = (self.read_pos, self.read_pos + n as u64);
                    self.read_pos = to;
                    self.fds.extend(received.drain(..).map(|fd| Received { from, to, fd }));
                    frames.extend(self.decoder.push_located(&buf[..n]));
                    // A short read emptied the socket: the poller is level-triggered,
                    // so asking again would only cost an EAGAIN.
                    if n < buf.len() {
                        break;
                    }
                }
                Err(Errno::EAGAIN) => break,
                Err(Errno::EINTR) => {}
                Err(Errno::ECONNRESET) => {
                    eof = true;
                    break;
                }
                Err(e) => return Err(e.into()),
            }
        }
        if eof {
            let start = self.decoder.next_start();
            frames.extend(self.decoder.finish().map(|frame| Located { start, frame }));
        }
        // A line's size on the wire: up to where the next one starts.
        let ends: Vec<u64> = frames.iter().skip(1).map(|l| l.start).chain([self.decoder.next_start()]).collect();
        let mut incoming = Vec::with_capacity(frames.len());
        for (Located { start, frame }, end) in frames.into_iter().zip(ends) {
            let handle = match &frame {
                Frame::Message(v) if super::framing::command(v).as_deref() == Some("NODE_HANDLE") => {
                    self.claim_fd(start)
                }
                _ => None,
            };
            incoming.push(Incoming { frame, handle, size: end.saturating_sub(start) as usize });
        }
        // No line will start where these arrived any more: nothing can claim them.
        let next = if eof { u64::MAX } else { self.decoder.next_start() };
        while self.fds.front().is_some_and(|r| r.to <= next) {
            self.fds.pop_front();
        }
        Ok((incoming, eof))
    }
}

impl Channel {
    /// The descriptor that came with the bytes where a `NODE_HANDLE` line starts;
    /// earlier ones that no line claimed are closed on the way.
    fn claim_fd(&mut self, start: u64) -> Option<OwnedFd> {
        while self.fds.front().is_some_and(|r| r.to <= start) {
            self.fds.pop_front();
        }
        match self.fds.front() {
            Some(r) if r.from <= start => self.fds.pop_front().map(|r| r.fd),
            _ => None,
        }
    }

    #[cfg(test)]
    fn open_fds(&self) -> usize {
        self.fds.len()
    }
}

/// An empty queue that once held many entries gives its memory back.
fn shrink<T>(q: &mut VecDeque<T>) {
    if q.capacity() > 1024 {
        q.shrink_to_fit();
    }
}

#[cfg(test)]
#[path = "channel_tests.rs"]
mod tests;
