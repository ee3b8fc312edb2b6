//! The `setImmediate` queue (the check phase).
//!
//! Only immediates queued before a check phase starts run in it: the phase takes the
//! whole queue and later ones wait for the next iteration, as in Node's
//! `processImmediate`. Each entry is shared with the script's `Immediate` handle so
//! `clearImmediate`, `ref` and `unref` work without a lookup.

use std::cell::Cell;
use std::collections::VecDeque;
use std::rc::Rc;

pub struct Immediate<T> {
    pub payload: T,
    cleared: Cell<bool>,
    refed: Cell<bool>,
}

impl<T> Immediate<T> {
    pub fn has_ref(&self) -> bool {
        self.refed.get() && !self.cleared.get()
    }
}

pub struct Immediates<T> {
    queue: VecDeque<Rc<Immediate<T>>>,
    /// The last batch's emptied buffer, for the queue of the next phase: a chain (each
    /// immediate queueing the next) would otherwise allocate a queue per loop turn.
    spare: VecDeque<Rc<Immediate<T>>>,
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
    pub fn push(&mut self, payload: T) -> Rc<Immediate<T>> {
        let entry = Rc::new(Immediate { payload, cleared: Cell::new(false), refed: Cell::new(true) });
        self.refs += 1;
        self.queue.push_back(entry.clone());
        entry
    }

    pub fn clear(&mut self, entry: &Immediate<T>) {
        if !entry.cleared.replace(true) && entry.refed.get() {
            self.refs -= 1;
        }
    }

    pub fn set_ref(&mut self, entry: &Immediate<T>, refed: bool) {
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
    pub fn take_batch(&mut self) -> VecDeque<Rc<Immediate<T>>> {
        let spare = std::mem::take(&mut self.spare);
        std::mem::replace(&mut self.queue, spare)
    }

    /// Keeps a run batch's buffer for the next phase's queue (if it is empty and small).
    pub fn recycle(&mut self, batch: VecDeque<Rc<Immediate<T>>>) {
        if batch.is_empty() && batch.capacity() <= SPARE_MAX {
            self.spare = batch;
        }
    }

    /// Marks an entry of a batch as run; returns false if it was cleared meanwhile.
    pub fn begin_run(&mut self, entry: &Immediate<T>) -> bool {
        if entry.cleared.get() {
            return false;
        }
        self.clear(entry);
        true
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
        q.push(3);
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
}
