//! A fork channel's delivered messages whose `message` tick is queued, in order: each
//! run of the endpoint's one tick task takes the first. A message is either decoded
//! already or still the text of its line (`ipc::channel::Line::Later`), decoded when
//! its tick comes, right before its listener runs: decoding a read's hundreds of
//! messages at once made their allocations outrun malloc's per-thread cache (slow
//! both when made and when freed), while one decoded, used and dropped at a time
//! reuses the same memory. The lines' text is kept in one buffer, reused.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;

use rhai::Dynamic;

use super::incoming::{frame_error, too_large_error};
use crate::ipc::framing::{self, Frame};

/// After the inbox empties, a text buffer above this is given back.
const KEEP_TEXT: usize = 1 << 20;

enum Queued {
    /// A decoded message and its handle.
    Value(Dynamic, Dynamic),
    /// A line's length in `text` (no handle comes with such a line).
    Line(usize),
}

/// What the next tick emits.
pub enum Next {
    /// `message` with the message and its handle (`()` without).
    Message(Dynamic, Dynamic),
    /// `error`: the line was no JSON (`ERR_IPC_BAD_MESSAGE`).
    Error(Dynamic),
}

#[derive(Default)]
pub struct Inbox {
    queue: RefCell<VecDeque<Queued>>,
    /// The `Line`s' text, one after the other; the next one starts at `at`.
    text: RefCell<Vec<u8>>,
    at: Cell<usize>,
}

impl Inbox {
    pub fn push(&self, msg: Dynamic, handle: Dynamic) {
        self.queue.borrow_mut().push_back(Queued::Value(msg, handle));
    }

    /// Queues a line's text (newline left out) to be decoded on its tick.
    pub fn push_line(&self, line: &[u8]) {
        self.text.borrow_mut().extend_from_slice(line);
        self.queue.borrow_mut().push_back(Queued::Line(line.len()));
    }

    /// The first message, decoded; `None` when nothing waits.
    pub fn next(&self) -> Option<Next> {
        let first = self.queue.borrow_mut().pop_front()?;
        let next = match first {
            Queued::Value(msg, handle) => Next::Message(msg, handle),
            Queued::Line(len) => {
                let at = self.at.get();
                let frame = framing::decode(self.text.borrow().get(at..at + len).unwrap_or_default());
                self.at.set(at + len);
                match frame {
                    Frame::Message(v) => Next::Message(v, Dynamic::UNIT),
                    Frame::Malformed { error, excerpt } => Next::Error(frame_error(&error, &excerpt)),
                    // Never queued as a line (the reader reports it at once).
                    Frame::TooLarge(n) => Next::Error(too_large_error(n)),
                }
            }
        };
        if self.queue.borrow().is_empty() {
            let mut text = self.text.borrow_mut();
            text.clear();
            if text.capacity() > KEEP_TEXT {
                text.shrink_to(KEEP_TEXT);
            }
            self.at.set(0);
        }
        Some(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(n: Option<Next>) -> String {
        match n {
            None => "none".into(),
            Some(Next::Message(m, h)) => format!("message {m} {}", h.is_unit()),
            Some(Next::Error(e)) => {
                format!("error {}", e.read_lock::<rhai::Map>().map(|m| m["code"].to_string()).unwrap_or_default())
            }
        }
    }

    #[test]
    fn values_and_lines_come_out_in_order_and_the_text_is_reused() {
        let inbox = Inbox::default();
        inbox.push_line(b"1");
        inbox.push(Dynamic::from_int(2), Dynamic::TRUE);
        inbox.push_line(b"{oops");
        inbox.push_line(b"\"three\"");
        assert_eq!(shown(inbox.next()), "message 1 true");
        assert_eq!(shown(inbox.next()), "message 2 false");
        assert_eq!(shown(inbox.next()), "error ERR_IPC_BAD_MESSAGE");
        assert_eq!(shown(inbox.next()), "message three true");
        assert_eq!(shown(inbox.next()), "none");
        assert_eq!((inbox.text.borrow().len(), inbox.at.get()), (0, 0), "emptied: the buffer starts over");
        inbox.push_line(b"4");
        assert_eq!(shown(inbox.next()), "message 4 true");
    }
}
