//! The `setImmediate` queue (the check phase).
//!
//! Only immediates queued before a check phase starts run in it: the phase takes the
//! whole queue and later ones wait for the next iteration, as in Node's
//! `processImmediate`. Each entry is shared with the script's `Immediate` handle so
//! `clearImmediate`, `ref` and `unref` work without a lookup.

use std::cell::Cell;
use std::collections::VecDeque;
use std::rc::Rc;

/// The state a script's `Immediate` handle shares with its queued entry: cleared, ref'd.
pub struct Immediate {
    cleared: Cell<bool>,
    refed: Cell<bool>,
}

impl Immediate {
    pub fn has_ref(&self) -> bool {
        self.refed.get() && !self.cleared.get()
    }
}

/// A queued immediate: its payload in place, and the state shared with a handle if one
/// was made. `setImmediate(f);` as a statement makes none (nobody could receive it):
/// then the entry is all there is, no allocation of its own, and it is ref'd until it
/// runs.
pub struct Entry<T> {
    pub payload: T,
    handle: Option<Rc<Immediate>>,
}

pub struct Immediates<T> {
    queue: VecDeque<Entry<T>>,
    /// The last batch's emptied buffer, for the queue of the next phase: a chain (each
    /// immediate queueing the next) would otherwise allocate a queue per loop turn.
    spare: VecDeque<Entry<T>>,
    refs: usize,
}

/// A spare buffer larger than this (entries) is dropped rather than kept.
const SPARE_MAX: usize = 1024;

impl<T> Default for Immediates<T> {
    fn default() -> Self {
        Immediates { queue: VecDeque::new(), spare: VecDeque::new(), refs: 0 }
    }
}

impl<T> Immediates<T> {
    /// Queues `payload` with a handle: what `clearImmediate`, `ref` and `unref` act on.
    pub fn push(&mut self, payload: T) -> Rc<Immediate> {
        let handle = Rc::new(Immediate { cleared: Cell::new(false), refed: Cell::new(true) });
        self.refs += 1;
        self.queue.push_back(Entry { payload, handle: Some(handle.clone()) });
        handle
    }

    /// Queues `payload` without a handle (ref'd until it runs).
    pub fn push_unheld(&mut self, payload: T) {
        self.refs += 1;
        self.queue.push_back(Entry { payload, handle: None });
    }

    pub fn clear(&mut self, entry: &Immediate) {
        if !entry.cleared.replace(true) && entry.refed.get() {
            self.refs -= 1;
        }
    }

    pub fn set_ref(&mut self, entry: &Immediate, refed: bool) {
        if !entry.cleared.get() && entry.refed.replace(refed) != refed {
            if refed { self.refs += 1 } else { self.refs -= 1 }
        }
    }

    /// Ref'd immediates keep the loop alive and make the poll phase non-blocking.
    pub fn refs(&self) -> usize {
        self.refs
    }

    /// Whether anything is queued (cleared entries still count until a phase drops
    /// them): a check phase with nothing queued takes no batch.
    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// Starts a check phase: takes every immediate queued so far. Give the emptied
    /// batch back with [`Immediates::recycle`].
    pub fn take_batch(&mut self) -> VecDeque<Entry<T>> {
        let spare = std::mem::take(&mut self.spare);
        std::mem::replace(&mut self.queue, spare)
    }

    /// Keeps a run batch's buffer for the next phase's queue (if it is empty and small).
    pub fn recycle(&mut self, batch: VecDeque<Entry<T>>) {
        if batch.is_empty() && batch.capacity() <= SPARE_MAX {
            self.spare = batch;
        }
    }

    /// Marks an entry of a batch as run; returns false if it was cleared meanwhile.
    pub fn begin_run(&mut self, entry: &Entry<T>) -> bool {
        match &entry.handle {
            Some(handle) if handle.cleared.get() => false,
            Some(handle) => {
                self.clear(handle);
                true
            }
            None => {
                self.refs -= 1;
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_excludes_later_pushes() {
        let mut q = Immediates::default();
        q.push(1);
        let two = q.push(2);
        let mut batch = q.take_batch();
        q.push_unheld(3);
        q.clear(&two);
        let mut ran = vec![];
        while let Some(e) = batch.pop_front() {
            if q.begin_run(&e) {
                ran.push(e.payload);
            }
        }
        assert_eq!(ran, [1]);
        assert_eq!(q.refs(), 1);
        // The emptied batch serves the phase after next; what is queued stays queued.
        q.recycle(batch);
        let next = q.take_batch();
        assert_eq!(next.iter().map(|e| e.payload).collect::<Vec<_>>(), [3]);
        q.push(4);
        assert_eq!(q.take_batch().len(), 1);
    }

    #[test]
    fn unref_does_not_count() {
        let mut q = Immediates::default();
        let a = q.push(());
        q.set_ref(&a, false);
        q.set_ref(&a, false);
        assert_eq!(q.refs(), 0);
        q.set_ref(&a, true);
        assert_eq!(q.refs(), 1);
        q.clear(&a);
        assert_eq!(q.refs(), 0);
    }

    #[test]
    fn an_unheld_entry_is_refd_until_it_runs() {
        let mut q = Immediates::default();
        q.push_unheld("a");
        let b = q.push("b");
        q.set_ref(&b, false);
        assert_eq!(q.refs(), 1, "the unheld one keeps the loop alive");
        let mut batch = q.take_batch();
        let first = batch.pop_front().expect("queued first");
        assert!(q.begin_run(&first) && first.payload == "a");
        assert_eq!(q.refs(), 0);
        let second = batch.pop_front().expect("queued second");
        assert!(q.begin_run(&second) && !b.has_ref());
        assert_eq!(q.refs(), 0);
    }
}
