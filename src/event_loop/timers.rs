//! Node's timer lists, without any scripting.
//!
//! Node keeps one list per duration; within a list timers run in insertion order, and
//! the lists sit in a priority queue keyed by the expiry of their first timer. A timers
//! pass judges every timer against one `now` taken when the pass starts, so a timer
//! created inside a timer callback (its start is at least `now`) never runs in the
//! same pass. This file reproduces that exactly (`lib/internal/timers.js`,
//! `processTimers` and `listOnTimeout`), with lazy deletion for cleared timers.

use std::collections::{BTreeSet, VecDeque};

use super::id_window::IdWindow;
use super::int_map::IntMap;

pub type TimerId = u64;

/// Largest delay Node accepts; anything outside `[1, MAX_DELAY]` becomes 1 ms.
pub const MAX_DELAY: f64 = 2_147_483_647.0;

/// Node's delay coercion: `!(1 <= d <= 2^31-1)` (NaN included) → 1 ms.
pub fn clamp_delay(ms: f64) -> u64 {
    if (1.0..=MAX_DELAY).contains(&ms) { ms.trunc() as u64 } else { 1 }
}

struct Timer<T> {
    duration: u64,
    start: u64,
    repeat: bool,
    refed: bool,
    /// Bumped on every (re)insertion; list entries with an older value are stale.
    generation: u64,
    /// False while a fired interval waits to be re-armed.
    queued: bool,
    payload: T,
}

struct List {
    expiry: u64,
    order: u64,
    entries: VecDeque<(TimerId, u64)>,
}

/// The per-duration lists and the priority queue over them.
#[derive(Default)]
struct Lists {
    lists: IntMap<List>,
    /// (expiry, list order, duration): the priority queue of lists.
    queue: BTreeSet<(u64, u64, u64)>,
    next_order: u64,
}

impl Lists {
    /// Appends `t` (as timer `id`) to the list of its duration, creating the list.
    fn push<T>(&mut self, id: TimerId, t: &mut Timer<T>) {
        t.generation += 1;
        t.queued = true;
        let (duration, expiry) = (t.duration, t.start + t.duration);
        let list = self.lists.entry(duration).or_insert_with(|| {
            let order = self.next_order;
            self.next_order += 1;
            self.queue.insert((expiry, order, duration));
            List { expiry, order, entries: VecDeque::new() }
        });
        list.entries.push_back((id, t.generation));
    }
}

/// A timer that is due: its payload and whether it repeats.
pub struct Due<T> {
    pub id: TimerId,
    pub payload: T,
    pub repeat: bool,
}

pub struct Timers<T> {
    /// By id (ids are handed out in sequence and mostly end in that order).
    timers: IdWindow<Timer<T>>,
    lists: Lists,
    refs: usize,
}

impl<T: Clone> Default for Timers<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Clone> Timers<T> {
    pub fn new() -> Self {
        Timers { timers: IdWindow::new(1), lists: Lists::default(), refs: 0 }
    }

    /// Starts a timer of `duration` ms (already clamped) measured from `start`.
    pub fn start(&mut self, duration: u64, start: u64, repeat: bool, payload: T) -> TimerId {
        let id = self.timers.next_id();
        let mut t = Timer { duration, start, repeat, refed: true, generation: 0, queued: false, payload };
        self.lists.push(id, &mut t);
        self.timers.push(t);
        self.refs += 1;
        id
    }

    /// Stops a timer; unknown or already-cleared ids are ignored, as in Node.
    pub fn clear(&mut self, id: TimerId) {
        if let Some(t) = self.timers.remove(id)
            && t.refed
        {
            self.refs -= 1;
        }
    }

    /// Re-arms a fired interval from `start` (the time its callback began), unless the
    /// callback cleared it.
    pub fn rearm(&mut self, id: TimerId, start: u64) {
        if let Some(t) = self.timers.get_mut(id)
            && !t.queued
        {
            t.start = start;
            self.lists.push(id, t);
        }
    }

    /// `timeout.refresh()`: restart the countdown from `now` keeping the same timer.
    pub fn refresh(&mut self, id: TimerId, now: u64) {
        if let Some(t) = self.timers.get_mut(id) {
            t.start = now;
            if t.queued {
                self.lists.push(id, t);
            }
        }
    }

    pub fn set_ref(&mut self, id: TimerId, refed: bool) {
        if let Some(t) = self.timers.get_mut(id)
            && t.refed != refed
        {
            t.refed = refed;
            if refed { self.refs += 1 } else { self.refs -= 1 }
        }
    }

    pub fn has_ref(&self, id: TimerId) -> bool {
        self.timers.get(id).is_some_and(|t| t.refed)
    }

    /// Number of ref'd timers: they keep the loop alive.
    pub fn refs(&self) -> usize {
        self.refs
    }

    /// Earliest expiry of any list (may be early because of lazily deleted timers).
    pub fn next_expiry(&self) -> Option<u64> {
        self.lists.queue.first().map(|&(e, _, _)| e)
    }

    /// The next timer due at `now`, following Node's list order. A one-shot timer is
    /// forgotten before it is returned; an interval stays known until `rearm`/`clear`.
    pub fn pop_due(&mut self, now: u64) -> Option<Due<T>> {
        loop {
            let &(expiry, order, duration) = self.lists.queue.first()?;
            if expiry > now {
                return None;
            }
            let list = self.lists.lists.get_mut(&duration).expect("queued list exists");
            debug_assert_eq!((list.expiry, list.order), (expiry, order));
            // Drop stale entries (cleared or re-queued timers) from the front.
            let front = loop {
                let Some(&(id, generation)) = list.entries.front() else { break None };
                match self.timers.get(id) {
                    Some(t) if t.generation == generation && t.queued => {
                        break Some((id, t.start + t.duration, t.repeat));
                    }
                    _ => {
                        list.entries.pop_front();
                    }
                }
            };
            let Some((id, due_at, repeat)) = front else {
                self.lists.queue.remove(&(expiry, order, duration));
                self.lists.lists.remove(&duration);
                continue;
            };
            if now < due_at {
                // Not yet due: move the list back in the queue (Node: max(due, now + 1)).
                self.lists.queue.remove(&(expiry, order, duration));
                list.expiry = due_at.max(now + 1);
                list.order = self.lists.next_order;
                self.lists.next_order += 1;
                self.lists.queue.insert((list.expiry, list.order, duration));
                continue;
            }
            list.entries.pop_front();
            return Some(self.fire(id, repeat));
        }
    }

    /// Takes a due timer off: a one-shot is removed (its payload moves out, no copy),
    /// an interval stays, unqueued, until `rearm` or `clear`.
    fn fire(&mut self, id: TimerId, repeat: bool) -> Due<T> {
        if repeat {
            let t = self.timers.get_mut(id).expect("front timer is live");
            t.queued = false;
            return Due { id, payload: t.payload.clone(), repeat: true };
        }
        let t = self.timers.remove(id).expect("front timer is live");
        if t.refed {
            self.refs -= 1;
        }
        Due { id, payload: t.payload, repeat: false }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(t: &mut Timers<&'static str>, now: u64) -> Vec<&'static str> {
        std::iter::from_fn(|| t.pop_due(now).map(|d| d.payload)).collect()
    }

    #[test]
    fn clamping_matches_node() {
        assert_eq!(clamp_delay(0.0), 1);
        assert_eq!(clamp_delay(-5.0), 1);
        assert_eq!(clamp_delay(f64::NAN), 1);
        assert_eq!(clamp_delay(2_147_483_648.0), 1);
        assert_eq!(clamp_delay(2.7), 2);
    }

    #[test]
    fn per_duration_lists_in_insertion_order() {
        // setTimeout A 1, B 0, C -5, F 2, G 1 → A B C G F
        let mut t = Timers::new();
        for (name, d) in [("A", 1.0), ("B", 0.0), ("C", -5.0), ("F", 2.0), ("G", 1.0)] {
            t.start(clamp_delay(d), 0, false, name);
        }
        assert_eq!(drain(&mut t, 5), ["A", "B", "C", "G", "F"]);
        assert_eq!(t.refs(), 0);
    }

    #[test]
    fn list_order_not_global_deadline_order() {
        // Node runs a whole list before the next: L5 = {0→5, 10→15}, L4 = {8→12}.
        let mut t = Timers::new();
        t.start(5, 0, false, "a5");
        t.start(5, 10, false, "b15");
        t.start(4, 8, false, "c12");
        assert_eq!(drain(&mut t, 20), ["a5", "b15", "c12"]);
    }

    #[test]
    fn timer_started_during_pass_waits() {
        let mut t = Timers::new();
        t.start(1, 0, false, "first");
        let now = 10;
        assert_eq!(t.pop_due(now).map(|d| d.payload), Some("first"));
        t.start(1, now, false, "created in callback");
        assert!(t.pop_due(now).is_none());
        assert_eq!(drain(&mut t, now + 1), ["created in callback"]);
    }

    #[test]
    fn clear_and_unref() {
        let mut t = Timers::new();
        let a = t.start(1, 0, false, "a");
        let b = t.start(1, 0, false, "b");
        t.clear(a);
        t.clear(a);
        t.set_ref(b, false);
        assert_eq!(t.refs(), 0);
        assert!(!t.has_ref(b));
        assert_eq!(drain(&mut t, 1), ["b"]);
    }

    #[test]
    fn interval_rearms_from_callback_start() {
        let mut t = Timers::new();
        let i = t.start(10, 0, true, "tick");
        let d = t.pop_due(12).unwrap();
        assert!(d.repeat);
        t.rearm(i, 12);
        assert!(t.pop_due(21).is_none());
        assert_eq!(t.pop_due(22).map(|d| d.payload), Some("tick"));
        t.clear(i);
        t.rearm(i, 22);
        assert!(t.pop_due(100).is_none());
        assert_eq!(t.refs(), 0);
    }

    #[test]
    fn one_shot_payload_moves_out_interval_keeps_its_own() {
        let p = std::rc::Rc::new(());
        let mut t = Timers::new();
        t.start(1, 0, false, p.clone());
        let i = t.start(1, 0, true, p.clone());
        let once = t.pop_due(1).unwrap();
        assert_eq!(std::rc::Rc::strong_count(&p), 3, "moved, not copied");
        let every = t.pop_due(1).unwrap();
        assert!(every.repeat && !once.repeat);
        assert_eq!(std::rc::Rc::strong_count(&p), 4, "the interval keeps its payload");
        drop((once, every));
        t.clear(i);
        assert_eq!(std::rc::Rc::strong_count(&p), 1);
        assert_eq!(t.refs(), 0);
    }

    #[test]
    fn many_ids_stay_in_order() {
        let mut t = Timers::new();
        let ids: Vec<_> = (0..10_000).map(|i| t.start(1 + i % 3, 0, false, i)).collect();
        for id in ids.iter().skip(1).step_by(2) {
            t.clear(*id);
        }
        let ran: Vec<u64> = std::iter::from_fn(|| t.pop_due(10).map(|d| d.payload)).collect();
        let want: Vec<u64> = (0..3).flat_map(|d| (0..10_000).step_by(2).filter(move |i| i % 3 == d)).collect();
        assert_eq!(ran, want);
    }

    #[test]
    fn refresh_restarts_countdown() {
        let mut t = Timers::new();
        let id = t.start(50, 0, false, "x");
        t.refresh(id, 30);
        assert!(t.pop_due(79).is_none());
        assert_eq!(t.pop_due(80).map(|d| d.payload), Some("x"));
    }
}
