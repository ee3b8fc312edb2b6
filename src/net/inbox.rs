//! The readable half of a stream, as Node's Readable keeps it: chunks wait here until
//! something consumes them. `flowing` is Node's `readableFlowing`: `None` until a
//! consumer (a `data` listener, `resume()`) or `pause()` decided. `end` is due once
//! the source ended and nothing it sent waits unread: at once if nothing was sent
//! (Node's `read(0)` at EOF), after the consumer took the rest otherwise; data that
//! nobody reads never ends (Node's rule).

use std::collections::VecDeque;

#[derive(Default)]
pub struct Inbox {
    chunks: VecDeque<Vec<u8>>,
    len: usize,
    pub flowing: Option<bool>,
    eof: bool,
    end_taken: bool,
}

impl Inbox {
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

    /// The next waiting chunk, while flowing.
    pub fn pop(&mut self) -> Option<Vec<u8>> {
        if self.flowing != Some(true) {
            return None;
        }
        let c = self.chunks.pop_front()?;
        self.len -= c.len();
        Some(c)
    }

    /// Bytes waiting.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.chunks.is_empty()
    }

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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_until_flowing_then_ends_once() {
        let mut i = Inbox::default();
        assert_eq!(i.push(b"ab".to_vec()), None);
        i.set_eof();
        assert!(!i.take_end(), "nothing consumed the data yet");
        assert_eq!(i.pop(), None);
        i.flowing = Some(true);
        assert_eq!(i.pop(), Some(b"ab".to_vec()));
        assert!(i.take_end());
        assert!(!i.take_end(), "only once");
        let mut quiet = Inbox::default();
        quiet.set_eof();
        assert!(!quiet.take_end(), "no consumer");
        assert!(quiet.take_end_at_eof(), "nothing was sent: a socket ends without a consumer");
    }

    #[test]
    fn flowing_delivers_directly_and_pause_holds() {
        let mut i = Inbox { flowing: Some(true), ..Inbox::default() };
        assert_eq!(i.push(b"x".to_vec()), Some(b"x".to_vec()));
        i.flowing = Some(false);
        assert_eq!(i.push(b"y".to_vec()), None);
        assert_eq!(i.len(), 1);
        assert_eq!(i.pop(), None);
    }
}
