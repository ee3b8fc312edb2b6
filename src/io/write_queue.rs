//! A stream's outgoing bytes: chunks in order, each with an optional completion
//! (`C`, whatever the caller wants back: a callback, or a completion id) and an
//! optional descriptor passed with its first byte (SCM_RIGHTS), written as far as the
//! kernel takes them. What it does not take waits for the descriptor to become
//! writable.
//!
//! The ACK gate is Node's fork-channel rule: while a passed descriptor awaits the
//! peer's `NODE_HANDLE_ACK`, every later chunk is held back, so the peer never reads a
//! message that belongs after a handle it has not taken yet.

use std::collections::VecDeque;
use std::io::IoSlice;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use crate::sys::errno::{Errno, SysResult};

/// The most writes [`WriteQueue::flush_gathered`] hands over at once (the kernel
/// takes up to 1 024 slices; 256 small messages are about 25 KiB, a system call's
/// worth).
pub const GATHER_MAX: usize = 256;

struct Chunk<C> {
    data: Vec<u8>,
    done: usize,
    cb: Option<C>,
    /// Passed with the first byte; dropped (closed here, the kernel keeps its copy)
    /// once that byte is out.
    pass: Option<OwnedFd>,
}

pub struct WriteQueue<C> {
    chunks: VecDeque<Chunk<C>>,
    /// Chunks behind the ACK gate, in order.
    held: VecDeque<Chunk<C>>,
    /// Chunks carrying a descriptor close the gate behind them.
    gate: bool,
    awaiting_ack: bool,
    /// Bytes queued and not yet written, held ones included (Node's `writableLength`).
    len: usize,
    /// `len` after the last flush: what was queued since is `len` above it.
    len_after_flush: usize,
}

/// What a flush did: completions of the writes it finished, in order, and the errno
/// that stopped it, if any, with the failed write's completion.
pub struct Flushed<C> {
    pub completed: Vec<C>,
    pub written: usize,
    pub error: Option<(Errno, Option<C>)>,
}

impl<C> Default for WriteQueue<C> {
    fn default() -> Self {
        WriteQueue {
            chunks: VecDeque::new(),
            held: VecDeque::new(),
            gate: false,
            awaiting_ack: false,
            len: 0,
            len_after_flush: 0,
        }
    }
}

impl<C> WriteQueue<C> {
    pub fn push(&mut self, data: Vec<u8>, cb: Option<C>) {
        self.enqueue(Chunk { data, done: 0, cb, pass: None });
    }

    /// Queues `data` with `fd` passed along its first byte.
    pub fn push_with_fd(&mut self, data: Vec<u8>, fd: OwnedFd, cb: Option<C>) {
        self.enqueue(Chunk { data, done: 0, cb, pass: Some(fd) });
    }

    fn enqueue(&mut self, chunk: Chunk<C>) {
        self.len += chunk.data.len();
        if self.awaiting_ack {
            self.held.push_back(chunk);
        } else {
            self.awaiting_ack = self.gate && chunk.pass.is_some();
            self.chunks.push_back(chunk);
        }
    }

    /// Turns the ACK gate on or off; off releases everything held back.
    pub fn set_gate(&mut self, on: bool) {
        self.gate = on;
        if !on {
            self.release_held();
        }
    }

    /// The peer took the descriptor in flight: release what was held back, up to and
    /// including the next chunk that carries a descriptor.
    pub fn ack(&mut self) {
        self.awaiting_ack = false;
        while let Some(c) = self.held.pop_front() {
            let passes = c.pass.is_some();
            self.chunks.push_back(c);
            if passes && self.gate {
                self.awaiting_ack = true;
                break;
            }
        }
    }

    /// Nothing will come back to acknowledge (the stream ends, the process exits):
    /// what waits goes out in order.
    pub fn release_held(&mut self) {
        self.awaiting_ack = false;
        self.chunks.extend(self.held.drain(..));
    }

    pub fn len(&self) -> usize {
        self.len
    }

    /// Bytes queued since the last flush (a corked stream writes after a burst's
    /// first few KiB instead of holding all of it until it is uncorked).
    pub fn queued_since_flush(&self) -> usize {
        self.len.saturating_sub(self.len_after_flush)
    }

    /// Writes not completely done (a partly written one and held ones count).
    pub fn chunks(&self) -> usize {
        self.chunks.len() + self.held.len()
    }

    /// Nothing queued, held back or not.
    pub fn is_empty(&self) -> bool {
        self.chunks.is_empty() && self.held.is_empty()
    }

    /// Something may be written now (not everything is behind the gate).
    pub fn has_output_now(&self) -> bool {
        !self.chunks.is_empty()
    }

    /// Writes with `write` (which returns how much it took, possibly 0, or an errno)
    /// until the queue is empty, the writer is full, or it fails; `write` is also
    /// given the descriptor to pass with the first byte of the slice, when there is one.
    #[cfg(test)]
    pub fn flush_fds(&mut self, mut write: impl FnMut(&[u8], Option<BorrowedFd>) -> SysResult<usize>) -> Flushed<C> {
        self.flush_gathered(1, |slices, pass| write(&slices[0], pass))
    }

    /// [`flush_fds`](Self::flush_fds) handing `write` up to `max` (at most
    /// [`GATHER_MAX`]) queued writes at once, in order, as one gather write: a burst
    /// of small messages goes out in one system call instead of one each. A write
    /// that passes a descriptor is always handed alone (the descriptor goes with its
    /// first byte, and nothing else rides along with it).
    pub fn flush_gathered(
        &mut self,
        max: usize,
        mut write: impl FnMut(&[IoSlice], Option<BorrowedFd>) -> SysResult<usize>,
    ) -> Flushed<C> {
        let max = max.clamp(1, GATHER_MAX);
        let mut out = Flushed { completed: Vec::new(), written: 0, error: None };
        while let Some(front) = self.chunks.front() {
            if front.done >= front.data.len() {
                let done = self.chunks.pop_front().map(|c| c.cb);
                out.completed.extend(done.flatten());
                continue;
            }
            let pass = front.pass.as_ref().map(|f| f.as_fd());
            let (result, wanted) = if max == 1 || pass.is_some() || self.chunks.len() == 1 {
                // One write (the common case between bursts): no gather list to fill.
                let rest = front.data.get(front.done..).unwrap_or_default();
                (write(&[IoSlice::new(rest)], pass), rest.len())
            } else {
                let mut iov = [IoSlice::new(&[]); GATHER_MAX];
                let (mut k, mut wanted) = (0, 0);
                for (j, c) in self.chunks.iter().enumerate() {
                    if k == max || (j > 0 && c.pass.is_some()) {
                        break;
                    }
                    // Only the front can be partly written.
                    let rest = c.data.get(c.done..).unwrap_or_default();
                    if !rest.is_empty() {
                        iov[k] = IoSlice::new(rest);
                        k += 1;
                        wanted += rest.len();
                    }
                }
                (write(&iov[..k], None), wanted)
            };
            let n = match result {
                Ok(n) => n,
                Err(errno) => {
                    let Some(failed) = self.chunks.pop_front() else { break };
                    self.len -= failed.data.len() - failed.done;
                    out.error = Some((errno, failed.cb));
                    self.len_after_flush = self.len;
                    return out;
                }
            };
            self.len -= n;
            out.written += n;
            let mut left = n;
            while let Some(front) = self.chunks.front_mut() {
                if left > 0 {
                    front.pass = None;
                }
                let take = (front.data.len() - front.done).min(left);
                front.done += take;
                left -= take;
                if front.done < front.data.len() {
                    break;
                }
                let done = self.chunks.pop_front().map(|c| c.cb);
                out.completed.extend(done.flatten());
                if left == 0 {
                    break;
                }
            }
            if n < wanted {
                break;
            }
        }
        if self.chunks.is_empty() && self.chunks.capacity() > 1024 {
            self.chunks.shrink_to_fit();
        }
        self.len_after_flush = self.len;
        out
    }

    /// Drops everything queued, held back or not, giving back the completions of the
    /// dropped writes in order.
    pub fn clear(&mut self) -> Vec<C> {
        self.len = 0;
        self.len_after_flush = 0;
        self.awaiting_ack = false;
        let held = std::mem::take(&mut self.held);
        self.chunks.drain(..).chain(held).filter_map(|c| c.cb).collect()
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
        let f = q.flush_fds(|b, _| {
            let n = b.len().min(room);
            room -= n;
            Ok(n)
        });
        assert!(f.completed.is_empty() && f.written == 3 && f.error.is_none());
        assert_eq!(q.len(), 7);
        let f = q.flush_fds(|b, _| Ok(b.len()));
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
        let f = q.flush_fds(|b, _| if std::mem::take(&mut first) { Ok(b.len()) } else { Err(Errno::EPIPE) });
        assert_eq!(f.completed, vec!['a']);
        assert_eq!(f.error, Some((Errno::EPIPE, Some('b'))));
        assert_eq!(q.len(), 1);
        assert_eq!(q.clear(), Vec::<char>::new());
        assert!(q.is_empty());
    }

    fn null_fd() -> OwnedFd {
        std::fs::File::open("/dev/null").expect("/dev/null").into()
    }

    /// Queues what a handle send is: `handle` with a descriptor (id `id`), then the
    /// `message` that follows it (id `id + 1`).
    fn push_handle_then(q: &mut WriteQueue<i32>, handle: &[u8], message: &[u8], id: i32) {
        q.push_with_fd(handle.to_vec(), null_fd(), Some(id));
        q.push(message.to_vec(), Some(id + 1));
    }

    #[test]
    fn descriptor_goes_with_the_first_byte_only() {
        let mut q = WriteQueue::default();
        q.push_with_fd(b"abcd".to_vec(), null_fd(), Some(1));
        let mut seen = Vec::new();
        // Each flush takes 2 bytes and is then full: the second one's slice starts
        // past the first byte, with no descriptor.
        for _ in 0..2 {
            q.flush_fds(|b, fd| {
                seen.push(fd.is_some());
                Ok(b.len().min(2))
            });
        }
        assert_eq!(seen, vec![true, false]);
        assert!(q.is_empty());
    }

    #[test]
    fn ack_gate_holds_what_follows_a_passed_descriptor() {
        let mut q = WriteQueue::default();
        q.set_gate(true);
        push_handle_then(&mut q, b"h1", b"m2", 1);
        push_handle_then(&mut q, b"h3", b"m4", 3);
        assert_eq!((q.len(), q.chunks()), (8, 4));
        let mut out = Vec::new();
        let mut all = |q: &mut WriteQueue<i32>| {
            q.flush_fds(|b, _| {
                out.extend_from_slice(b);
                Ok(b.len())
            })
            .completed
        };
        assert_eq!(all(&mut q), vec![1]);
        assert!(!q.has_output_now() && !q.is_empty());
        q.ack();
        // Released up to and including the next descriptor.
        assert_eq!(all(&mut q), vec![2, 3]);
        q.ack();
        assert_eq!(all(&mut q), vec![4]);
        assert!(q.is_empty());
        assert_eq!(out, b"h1m2h3m4");
    }

    #[test]
    fn release_and_clear_cover_held_chunks() {
        let mut q = WriteQueue::default();
        q.set_gate(true);
        push_handle_then(&mut q, b"h", b"m", 1);
        q.release_held();
        assert_eq!(q.flush_fds(|b, _| Ok(b.len())).completed, vec![1, 2]);
        push_handle_then(&mut q, b"h", b"m", 3);
        assert_eq!(q.clear(), vec![3, 4]);
        assert_eq!(q.len(), 0);
    }

    /// Each call's slices as text, the writer taking at most `room` bytes per call.
    fn gathered(q: &mut WriteQueue<i32>, max: usize, room: usize) -> (Vec<String>, Flushed<i32>) {
        let mut calls = Vec::new();
        let f = q.flush_gathered(max, |slices, fd| {
            let text: Vec<String> = slices.iter().map(|s| String::from_utf8_lossy(s).into_owned()).collect();
            calls.push(format!("{}{}", if fd.is_some() { "fd:" } else { "" }, text.join("|")));
            Ok(slices.iter().map(|s| s.len()).sum::<usize>().min(room))
        });
        (calls, f)
    }

    #[test]
    fn gathered_writes_go_together_up_to_max_and_a_descriptor_goes_alone() {
        let mut q = WriteQueue::default();
        for (i, w) in ["a", "", "bb", "c", "d"].iter().enumerate() {
            q.push(w.as_bytes().to_vec(), Some(i as i32));
        }
        q.push_with_fd(b"h".to_vec(), null_fd(), Some(5));
        q.push(b"e".to_vec(), Some(6));
        let (calls, f) = gathered(&mut q, 3, usize::MAX);
        assert_eq!(calls, ["a|bb|c", "d", "fd:h", "e"]);
        assert_eq!(f.completed, vec![0, 1, 2, 3, 4, 5, 6]);
        assert_eq!((f.written, q.len(), q.queued_since_flush()), (7, 0, 0));
    }

    #[test]
    fn a_short_gathered_write_completes_only_what_went_out() {
        let mut q = WriteQueue::default();
        for (i, w) in ["ab", "cd", "ef"].iter().enumerate() {
            q.push(w.as_bytes().to_vec(), Some(i as i32));
        }
        assert_eq!(q.queued_since_flush(), 6);
        // 3 bytes taken: "ab" done, "cd" half; then the writer is full.
        let (calls, f) = gathered(&mut q, 8, 3);
        assert_eq!((calls, f.completed, q.len(), q.queued_since_flush()), (vec!["ab|cd|ef".into()], vec![0], 3, 0));
        q.push(b"g".to_vec(), Some(3));
        assert_eq!(q.queued_since_flush(), 1);
        let (calls, f) = gathered(&mut q, 8, usize::MAX);
        assert_eq!((calls, f.completed), (vec!["d|ef|g".to_string()], vec![1, 2, 3]));
    }
}
