//! The readable half of a stream, as Node's Readable keeps it, without any I/O or
//! scripting: chunks wait here until something consumes them, and this state says
//! what to do when bytes arrive, when the script resumes or pauses, whether to read
//! at all, and when `end` is due. The bindings (sockets, child pipes, HTTP bodies,
//! stdin) turn its answers into reads and events.
//!
//! - `flowing` is Node's `readableFlowing`: `None` until a consumer (a `data`
//!   listener, `resume()`) or `pause()` decided.
//! - Read-ahead: while nobody consumes, reading goes on until `read_ahead` bytes
//!   wait ([`Readable::wants_read`]); 0 reads only while flowing (stdin).
//! - `resume()` flows on a later tick (Node's `resume()`); one flow pass is queued
//!   at a time ([`Readable::resume`] says when to queue one, [`Readable::start_flow`]
//!   that it runs).
//! - `end` is due once: the source ended and nothing it sent waits unread. Flowing,
//!   after the consumer took the rest ([`Readable::take_end`]); or at once if nothing
//!   was sent (Node's `read(0)` at EOF, [`Readable::take_end_at_eof`]). Data that
//!   nobody reads never ends (Node's rule); a destroyed stream never ends.

use std::cell::RefCell;
use std::collections::VecDeque;

/// What a stream reads ahead while nobody consumes its data (Node's sockets and
/// pipes: 64 KiB).
pub const READ_AHEAD: usize = 64 * 1024;

pub struct Readable {
    chunks: VecDeque<Vec<u8>>,
    len: usize,
    /// Node's `readableFlowing`. Public while `api::net::socket` still sets it by hand.
    pub flowing: Option<bool>,
    eof: bool,
    end_taken: bool,
    flow_queued: bool,
    read_ahead: usize,
}

impl Default for Readable {
    fn default() -> Readable {
        Readable::new(READ_AHEAD)
    }
}

impl Readable {
    /// A stream that reads up to `read_ahead` bytes while nobody consumes them.
    pub fn new(read_ahead: usize) -> Readable {
        Readable {
            chunks: VecDeque::new(),
            len: 0,
            flowing: None,
            eof: false,
            end_taken: false,
            flow_queued: false,
            read_ahead,
        }
    }

    /// A chunk arrived: handed back to deliver now when flowing with nothing waiting,
    /// kept otherwise.
    pub fn push(&mut self, bytes: Vec<u8>) -> Option<Vec<u8>> {
        if self.flowing == Some(true) && self.chunks.is_empty() {
            return Some(bytes);
        }
        self.len += bytes.len();
        self.chunks.push_back(bytes);
        None
    }

    /// The next waiting chunk, while flowing (a `data` listener may pause between two).
    pub fn pop(&mut self) -> Option<Vec<u8>> {
        if self.flowing != Some(true) {
            return None;
        }
        let c = self.chunks.pop_front()?;
        self.len -= c.len();
        Some(c)
    }

    /// `resume()`: flowing from now on. True when the caller must queue a flow pass
    /// (on a later tick) to deliver what waits and a due `end`; false when one is
    /// queued already.
    pub fn resume(&mut self) -> bool {
        self.flowing = Some(true);
        !std::mem::replace(&mut self.flow_queued, true)
    }

    /// The queued flow pass runs: the next `resume()` queues another.
    pub fn start_flow(&mut self) {
        self.flow_queued = false;
    }

    /// `pause()`: chunks wait from now on (a queued flow pass delivers nothing).
    pub fn pause(&mut self) {
        self.flowing = Some(false);
    }

    pub fn is_paused(&self) -> bool {
        self.flowing == Some(false)
    }

    /// A `data` listener was added: it resumes the stream unless `pause()` was called.
    pub fn listener_resumes(&self) -> bool {
        self.flowing != Some(false)
    }

    /// Whether to read from the source now: it has not ended, and the data flows or
    /// the read-ahead has room.
    pub fn wants_read(&self) -> bool {
        !self.eof && (self.flowing == Some(true) || self.len < self.read_ahead)
    }

    /// Bytes waiting.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.chunks.is_empty()
    }

    /// The source ended (EOF): nothing more will be pushed.
    pub fn set_eof(&mut self) {
        self.eof = true;
    }

    pub fn eof(&self) -> bool {
        self.eof
    }

    /// True once: the source ended and a flowing consumer took all its data.
    pub fn take_end(&mut self) -> bool {
        self.flowing == Some(true) && self.take_end_at_eof()
    }

    /// True once: the source ended and nothing waits unread, flowing or not (what a
    /// socket's `read(0)` at EOF does in Node).
    pub fn take_end_at_eof(&mut self) -> bool {
        if self.eof && self.chunks.is_empty() && !self.end_taken {
            self.end_taken = true;
            return true;
        }
        false
    }

    /// Node's `readable`: `end` has not come (nor will it never come).
    pub fn readable(&self) -> bool {
        !self.end_taken
    }

    /// Takes everything waiting, flowing or not (a native consumer took over).
    pub fn drain(&mut self) -> Vec<Vec<u8>> {
        self.len = 0;
        self.chunks.drain(..).collect()
    }

    /// Drops what waits (a destroyed stream).
    pub fn clear(&mut self) {
        self.chunks.clear();
        self.len = 0;
    }

    /// `destroy()`, or a source that cannot be read: what waits is dropped, nothing
    /// is read any more, and `end` never comes.
    pub fn destroy(&mut self) {
        self.clear();
        self.eof = true;
        self.end_taken = true;
    }
}

/// The queued flow pass ([`Readable::resume`] asked for it): hands each waiting
/// chunk to `deliver` while flowing, borrowing `state` only between deliveries (a
/// `data` listener may pause or resume the stream); stops at the first error.
pub fn flow<E>(state: &RefCell<Readable>, mut deliver: impl FnMut(Vec<u8>) -> Result<(), E>) -> Result<(), E> {
    state.borrow_mut().start_flow();
    loop {
        let chunk = state.borrow_mut().pop();
        let Some(chunk) = chunk else { return Ok(()) };
        deliver(chunk)?;
    }
}

#[cfg(test)]
#[path = "readable_tests.rs"]
mod tests;
