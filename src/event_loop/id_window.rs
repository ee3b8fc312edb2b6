//! A map for the timer ids the loop hands out in sequence, most of which go in the
//! order they came (a batch of `setTimeout`s runs in creation order): a window of
//! slots indexed by `id - base` over the newest ids, and a hash map for the few old
//! ones still alive behind it (an interval made at start-up).
//!
//! Why not a hash map for all: 100 000 timers make a table of megabytes, and its
//! inserts, lookups and removals were about 250 instructions a timer, growth
//! included (`setTimeout(f, 0)` × 100 000, issue 17). Here an insert is a push at the
//! back, a removal empties a slot and drops the empty slots in front; lookups index.
//!
//! Bounded: when the window holds more than twice its live entries (plus
//! [`SLACK`]), the live ones in front move to the map, so a long-lived id never
//! keeps a run of empty slots behind it. Each entry moves at most once.

use std::collections::VecDeque;

use super::int_map::IntMap;

/// Empty slots the window may hold beyond its live entries before it compacts.
const SLACK: usize = 64;

pub struct IdWindow<V> {
    /// The id of `window[0]`; `base + window.len()` is the next id to insert.
    base: u64,
    window: VecDeque<Option<V>>,
    /// Live entries in `window`.
    live: usize,
    /// Live entries whose ids fell behind `base`.
    old: IntMap<V>,
}

impl<V> IdWindow<V> {
    /// An empty map whose first id will be `first`.
    pub fn new(first: u64) -> Self {
        IdWindow { base: first, window: VecDeque::new(), live: 0, old: IntMap::default() }
    }

    /// The id the next [`IdWindow::push`] will use.
    pub fn next_id(&self) -> u64 {
        self.base + self.window.len() as u64
    }

    /// Inserts `v` under the next id ([`IdWindow::next_id`]), which it returns.
    pub fn push(&mut self, v: V) -> u64 {
        let id = self.next_id();
        self.window.push_back(Some(v));
        self.live += 1;
        id
    }

    pub fn get(&self, id: u64) -> Option<&V> {
        match id.checked_sub(self.base) {
            Some(i) => self.window.get(usize::try_from(i).ok()?)?.as_ref(),
            None => self.old.get(&id),
        }
    }

    pub fn get_mut(&mut self, id: u64) -> Option<&mut V> {
        match id.checked_sub(self.base) {
            Some(i) => self.window.get_mut(usize::try_from(i).ok()?)?.as_mut(),
            None => self.old.get_mut(&id),
        }
    }

    pub fn remove(&mut self, id: u64) -> Option<V> {
        let Some(i) = id.checked_sub(self.base) else { return self.old.remove(&id) };
        let v = self.window.get_mut(usize::try_from(i).ok()?)?.take()?;
        self.live -= 1;
        // Empty slots in front go (the usual case: ids removed in the order made).
        while let Some(None) = self.window.front() {
            self.window.pop_front();
            self.base += 1;
        }
        // A live entry in front holding many empty slots behind it moves out.
        while self.window.len() > 2 * self.live + SLACK {
            match self.window.pop_front() {
                Some(Some(old)) => {
                    self.old.insert(self.base, old);
                    self.live -= 1;
                }
                Some(None) => {}
                None => break,
            }
            self.base += 1;
        }
        Some(v)
    }

    /// Live entries (tests).
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.live + self.old.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_in_sequence_index_and_removals_in_order_shrink_the_window() {
        let mut w = IdWindow::new(1);
        let ids: Vec<u64> = (0..1000).map(|i| w.push(i * 10)).collect();
        assert_eq!(ids, (1..=1000).collect::<Vec<_>>());
        assert_eq!(w.get(500), Some(&4990));
        *w.get_mut(500).unwrap() = 7;
        assert_eq!(w.remove(500), Some(7));
        assert_eq!(w.remove(500), None, "removed once");
        assert_eq!(w.get(500), None);
        for id in 1..=1000 {
            w.remove(id);
        }
        assert_eq!((w.len(), w.window.len()), (0, 0), "every empty slot dropped");
        assert_eq!(w.next_id(), 1001);
        assert_eq!(w.get(0), None);
        assert_eq!(w.get(u64::MAX), None);
    }

    #[test]
    fn a_long_lived_id_moves_behind_the_window_and_stays_reachable() {
        let mut w = IdWindow::new(1);
        let keep = w.push("interval");
        for _ in 0..10_000 {
            let id = w.push("timeout");
            assert_eq!(w.remove(id), Some("timeout"));
        }
        assert!(w.window.len() <= 2 * w.live + SLACK, "bounded: {}", w.window.len());
        assert_eq!(w.get(keep), Some(&"interval"), "moved to the map");
        *w.get_mut(keep).unwrap() = "changed";
        assert_eq!(w.remove(keep), Some("changed"));
        assert_eq!(w.len(), 0);
    }

    #[test]
    fn removals_out_of_order_keep_every_live_entry() {
        let mut w = IdWindow::new(1);
        let ids: Vec<u64> = (0..5000u64).map(|i| w.push(i)).collect();
        for id in ids.iter().filter(|id| *id % 3 != 0) {
            assert_eq!(w.remove(*id), Some(id - 1));
        }
        for id in &ids {
            assert_eq!(w.get(*id).copied(), (id % 3 == 0).then_some(id - 1));
        }
        assert_eq!(w.len(), ids.len() / 3);
    }
}
