//! A socket's outgoing bytes: chunks in order, each with an optional completion
//! callback (`C`, whatever the caller wants back), written as far as the kernel takes
//! them. What it does not take waits for the socket to become writable.

use std::collections::VecDeque;

use crate::sys::errno::{Errno, SysResult};

struct Chunk<C> {
    data: Vec<u8>,
    done: usize,
    cb: Option<C>,
}

pub struct WriteQueue<C> {
    chunks: VecDeque<Chunk<C>>,
    /// Bytes queued and not yet written (Node's `writableLength`).
    len: usize,
}

/// What a flush did: callbacks of the writes it completed, in order, and the errno
/// that stopped it, if any (the failed write's callback is in `failed`).
pub struct Flushed<C> {
    pub completed: Vec<C>,
    pub written: usize,
    pub error: Option<(Errno, Option<C>)>,
}

impl<C> Default for WriteQueue<C> {
    fn default() -> Self {
        WriteQueue { chunks: VecDeque::new(), len: 0 }
    }
}

impl<C> WriteQueue<C> {
    pub fn push(&mut self, data: Vec<u8>, cb: Option<C>) {
        self.len += data.len();
        self.chunks.push_back(Chunk { data, done: 0, cb });
    }

    pub fn len(&self) -> usize {
        self.len
    }

    /// Writes not completely done (a partly written one counts).
    pub fn chunks(&self) -> usize {
        self.chunks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.chunks.is_empty()
    }

    /// Writes what a non-blocking socket takes now, completions dropped (the exit
    /// flush: nobody is left to call them): the bytes written, or the error.
    pub fn send_now(&mut self, fd: std::os::fd::RawFd) -> std::io::Result<usize> {
        let f = self.flush(|b| super::sys::send_some(fd, b));
        match f.error {
            Some((errno, _)) => Err(errno.into()),
            None => Ok(f.written),
        }
    }

    /// Writes with `write` (which returns how much it took, possibly 0, or an errno)
    /// until the queue is empty, the writer is full, or it fails.
    pub fn flush(&mut self, mut write: impl FnMut(&[u8]) -> SysResult<usize>) -> Flushed<C> {
        let mut out = Flushed { completed: Vec::new(), written: 0, error: None };
        while let Some(front) = self.chunks.front_mut() {
            if front.done < front.data.len() {
                match write(&front.data[front.done..]) {
                    Ok(n) => {
                        front.done += n;
                        self.len -= n;
                        out.written += n;
                    }
                    Err(errno) => {
                        let failed = self.chunks.pop_front().expect("front exists");
                        self.len -= failed.data.len() - failed.done;
                        out.error = Some((errno, failed.cb));
                        return out;
                    }
                }
                if front.done < front.data.len() {
                    break;
                }
            }
            let done = self.chunks.pop_front().expect("front exists");
            out.completed.extend(done.cb);
        }
        out
    }

    /// Drops everything queued, giving back the callbacks of the dropped writes.
    pub fn clear(&mut self) -> Vec<C> {
        self.len = 0;
        self.chunks.drain(..).filter_map(|c| c.cb).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_writes_complete_in_order() {
        let mut q = WriteQueue::default();
        q.push(b"hello".to_vec(), Some(1));
        q.push(Vec::new(), Some(2));
        q.push(b"world".to_vec(), Some(3));
        assert_eq!(q.len(), 10);
        // The writer takes 3 bytes, then is full.
        let mut room = 3;
        let f = q.flush(|b| {
            let n = b.len().min(room);
            room -= n;
            Ok(n)
        });
        assert!(f.completed.is_empty() && f.written == 3 && f.error.is_none());
        assert_eq!(q.len(), 7);
        let f = q.flush(|b| Ok(b.len()));
        assert_eq!(f.completed, vec![1, 2, 3]);
        assert!(q.is_empty());
    }

    #[test]
    fn failure_stops_and_reports() {
        let mut q = WriteQueue::default();
        q.push(b"a".to_vec(), Some('a'));
        q.push(b"b".to_vec(), Some('b'));
        q.push(b"c".to_vec(), None);
        let mut first = true;
        let f = q.flush(|b| if std::mem::take(&mut first) { Ok(b.len()) } else { Err(Errno::EPIPE) });
        assert_eq!(f.completed, vec!['a']);
        assert_eq!(f.error, Some((Errno::EPIPE, Some('b'))));
        assert_eq!(q.len(), 1);
        assert_eq!(q.clear(), Vec::<char>::new());
        assert!(q.is_empty());
    }
}
