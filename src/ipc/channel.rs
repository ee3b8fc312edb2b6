//! One end of a fork channel: a non-blocking Unix stream socket with an ordered write
//! queue and a frame decoder. No scripting here; the bindings drive it from the loop.
//!
//! Node's rules kept: `send()` reports false once 128 KiB wait in the queue (the
//! message is still queued and sent in order); while a handle waits for the peer's
//! `NODE_HANDLE_ACK`, every later message is held back. Done better: [`flush_blocking`]
//! lets the process deliver everything before it exits, whatever the size.
//!
//! [`flush_blocking`]: Channel::flush_blocking

use std::collections::VecDeque;
use std::io;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};

use super::fdpass;
use super::framing::{Decoder, Frame};

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

/// A message from the peer, with the descriptor that came with it (if any).
pub struct Incoming {
    pub frame: Frame,
    pub handle: Option<OwnedFd>,
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
    fds: VecDeque<OwnedFd>,
    /// Kept between reads: zeroing a fresh 256 KiB buffer per read cost more than
    /// the rest of a small message's trip (a fifth of a pool's time, measured).
    rbuf: Vec<u8>,
}

impl Channel {
    pub fn new(fd: OwnedFd) -> io::Result<Channel> {
        set_nonblocking(fd.as_raw_fd(), true)?;
        Ok(Channel {
            fd,
            out: VecDeque::new(),
            held: VecDeque::new(),
            awaiting_ack: false,
            queued: 0,
            next_id: 1,
            decoder: Decoder::new(MAX_MESSAGE),
            fds: VecDeque::new(),
            rbuf: Vec::new(),
        })
    }

    pub fn raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
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
    }

    pub fn wants_write(&self) -> bool {
        !self.out.is_empty()
    }

    /// Writes what the socket takes now; returns the ids of messages fully written.
    pub fn flush(&mut self) -> io::Result<Vec<u64>> {
        let mut done = Vec::new();
        while let Some(item) = self.out.front_mut() {
            let pass = if item.sent == 0 { item.handle.as_ref().map(|h| h.as_raw_fd()) } else { None };
            match fdpass::send(self.fd.as_raw_fd(), &item.bytes[item.sent..], pass) {
                Ok(n) => {
                    item.sent += n;
                    item.handle = None;
                    self.queued -= n;
                    if item.sent == item.bytes.len() {
                        done.push(item.id);
                        self.out.pop_front();
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(done)
    }

    /// Waits until every queued message (held ones included) is written, or the peer
    /// is gone: what a process sends just before it exits arrives.
    pub fn flush_blocking(&mut self) {
        self.awaiting_ack = false;
        self.out.extend(self.held.drain(..));
        while self.wants_write() {
            if self.flush().is_err() {
                return;
            }
            if self.wants_write() {
                let mut p = libc::pollfd { fd: self.fd.as_raw_fd(), events: libc::POLLOUT, revents: 0 };
                if unsafe { libc::poll(&mut p, 1, -1) } < 0 || p.revents & (libc::POLLERR | libc::POLLHUP) != 0 {
                    return;
                }
            }
        }
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
            match fdpass::recv(self.fd.as_raw_fd(), buf, &mut received) {
                Ok(0) => {
                    eof = true;
                    break;
                }
                Ok(n) => {
                    self.fds.extend(received.drain(..));
                    frames.extend(self.decoder.push(&buf[..n]));
                    // A short read emptied the socket: the poller is level-triggered,
                    // so asking again would only cost an EAGAIN.
                    if n < buf.len() {
                        break;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == io::ErrorKind::ConnectionReset => {
                    eof = true;
                    break;
                }
                Err(e) => return Err(e),
            }
        }
        if eof {
            frames.extend(self.decoder.finish());
        }
        let incoming = frames
            .into_iter()
            .map(|frame| {
                let handle = match &frame {
                    Frame::Message(v) if v.get("cmd").and_then(|c| c.as_str()) == Some("NODE_HANDLE") => {
                        self.fds.pop_front()
                    }
                    _ => None,
                };
                Incoming { frame, handle }
            })
            .collect();
        Ok((incoming, eof))
    }
}

pub fn set_nonblocking(fd: RawFd, on: bool) -> io::Result<()> {
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 {
        return Err(io::Error::last_os_error());
    }
    let flags = if on { flags | libc::O_NONBLOCK } else { flags & !libc::O_NONBLOCK };
    if unsafe { libc::fcntl(fd, libc::F_SETFL, flags) } < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::framing::encode;
    use super::*;
    use serde_json::json;

    fn pair() -> (Channel, Channel) {
        let (a, b) = fdpass::socketpair().unwrap();
        (Channel::new(a).unwrap(), Channel::new(b).unwrap())
    }

    fn messages(c: &mut Channel) -> Vec<serde_json::Value> {
        c.read()
            .unwrap()
            .0
            .into_iter()
            .filter_map(|i| match i.frame {
                Frame::Message(v) => Some(v),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn messages_arrive_in_order() {
        let (mut a, mut b) = pair();
        a.enqueue(encode("{\"n\":1}"), None);
        a.enqueue(encode("\"two\""), None);
        assert_eq!(a.flush().unwrap(), vec![1, 2]);
        assert_eq!(messages(&mut b), vec![json!({"n": 1}), json!("two")]);
    }

    #[test]
    fn high_water_mark_reports_false_but_keeps_the_message() {
        let (mut a, mut b) = pair();
        let big = format!("\"{}\"", "x".repeat(HIGH_WATER));
        let (_, below) = a.enqueue(encode(&big), None);
        assert!(!below);
        let reader = std::thread::spawn(move || {
            let mut got = Vec::new();
            while got.is_empty() {
                let mut p = libc::pollfd { fd: b.raw_fd(), events: libc::POLLIN, revents: 0 };
                unsafe { libc::poll(&mut p, 1, 5000) };
                got = messages(&mut b);
            }
            got
        });
        a.flush_blocking();
        assert_eq!(reader.join().unwrap()[0].as_str().unwrap().len(), HIGH_WATER);
    }

    #[test]
    fn sends_wait_for_the_handle_ack() {
        let (mut a, mut b) = pair();
        let (h, _keep) = fdpass::socketpair().unwrap();
        a.enqueue(encode("{\"cmd\":\"NODE_HANDLE\",\"type\":\"net.Server\",\"msg\":\"server\"}"), Some(h));
        a.enqueue(encode("{\"plain\":true}"), None);
        a.flush().unwrap();
        let (got, _) = b.read().unwrap();
        assert_eq!(got.len(), 1, "the plain message is held until the ACK");
        assert!(got[0].handle.is_some());
        a.ack();
        a.flush().unwrap();
        assert_eq!(messages(&mut b), vec![json!({"plain": true})]);
    }

    #[test]
    fn peer_close_is_eof() {
        let (a, mut b) = pair();
        drop(a);
        let (got, eof) = b.read().unwrap();
        assert!(got.is_empty() && eof);
    }
}
