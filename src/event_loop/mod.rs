//! The event loop core: clock, timers, immediates, the close queue and the liveness
//! rule (the poller is `io::reactor`).
//!
//! It knows nothing of Rhai. The runtime drives it phase by phase, in libuv's order
//! (`uv_run`) for the phases that exist here: timers → poll → check → close (there is
//! no "pending" phase: write completions run as nextTicks). It asks the loop one
//! question to decide whether the process stays alive, [`Loop::alive`] (libuv's
//! `uv__loop_alive`), and one to decide how long the poll may block,
//! [`Loop::poll_timeout`] (`uv__backend_timeout`).

pub mod id_window;
pub mod immediates;
pub mod int_map;
pub mod live;
pub mod timers;

use std::cell::Cell;
use std::collections::VecDeque;
use std::rc::Rc;
use std::time::Instant;

pub use immediates::{Immediate, Immediates};
pub use live::{Counts, Hold, Request};
pub use timers::{TimerId, Timers};

pub struct Loop<T: Clone> {
    epoch: Instant,
    /// The loop's cached time (ms since `epoch`), as of the last update.
    now: Cell<u64>,
    /// The last poll made no system call ([`Loop::defer_time`]): the clock is read
    /// when the time is first asked for.
    deferred: Cell<bool>,
    pub timers: Timers<T>,
    pub immediates: Immediates<T>,
    /// Ref'd active handles other than timers and immediates (stdin, children, sockets…)
    /// and requests in flight (fs jobs), counted by the guards they hand out.
    counts: Rc<Counts>,
    /// The close phase's queue: `close` work of handles closed this iteration.
    closing: VecDeque<T>,
    /// A drain cut short by a handled exception still owes its rest (see
    /// [`Loop::set_resume_drain`]).
    resume_drain: bool,
}

impl<T: Clone> Loop<T> {
    pub fn new() -> Self {
        Loop {
            epoch: Instant::now(),
            now: Cell::new(0),
            deferred: Cell::new(false),
            timers: Timers::new(),
            immediates: Immediates::default(),
            counts: Rc::default(),
            closing: VecDeque::new(),
            resume_drain: false,
        }
    }

    /// Milliseconds since the loop started, as of the last [`Loop::update_time`] (or
    /// read now, after a [`Loop::defer_time`]).
    pub fn now(&self) -> u64 {
        if self.deferred.replace(false) {
            self.now.set(self.clock());
        }
        self.now.get()
    }

    pub fn update_time(&mut self) -> u64 {
        self.deferred.set(false);
        let now = self.clock();
        self.now.set(now);
        now
    }

    /// A poll that made no system call (it would not block and nothing could be
    /// ready) ends without reading the clock: the next [`Loop::now`] reads it (and
    /// every other reader of the time reads the clock itself: the timers pass, a
    /// timer's start). A `setImmediate` chain turns the loop once per link; the read
    /// was a tenth of the turn's loop work (issue 17).
    pub fn defer_time(&mut self) {
        self.deferred.set(true);
    }

    fn clock(&self) -> u64 {
        self.epoch.elapsed().as_millis() as u64
    }

    /// The counts behind the liveness guards ([`Hold`], [`Request`]): guards are taken
    /// from them, not from the loop, so taking or dropping one never borrows the loop.
    pub fn counts(&self) -> &Rc<Counts> {
        &self.counts
    }

    /// Queues a handle's `close` work for the close phase of this iteration.
    pub fn close_later(&mut self, task: T) {
        self.closing.push_back(task);
    }

    /// Whether handles closed in this iteration wait for the close phase.
    pub fn alive_closing(&self) -> bool {
        !self.closing.is_empty()
    }

    /// Starts the close phase: takes the work queued so far (work queued while it
    /// runs waits for the next iteration's close phase).
    pub fn take_closing(&mut self) -> VecDeque<T> {
        std::mem::take(&mut self.closing)
    }

    /// A drain cut short by a handled exception must resume (Node postpones the rest
    /// until after the next macrotask): while set, the loop stays alive and the poll
    /// does not block, and the next check phase drains first and clears it.
    pub fn set_resume_drain(&mut self) {
        self.resume_drain = true;
    }

    /// Clears the resume mark, telling whether it was set (the check phase's start).
    pub fn take_resume_drain(&mut self) -> bool {
        std::mem::take(&mut self.resume_drain)
    }

    /// The one liveness predicate (libuv's `uv__loop_alive`): a ref'd timer, immediate
    /// or handle, a request in flight, a handle closing or a drain to resume.
    pub fn alive(&self) -> bool {
        self.timers.refs() > 0
            || self.immediates.refs() > 0
            || self.counts.any()
            || !self.closing.is_empty()
            || self.resume_drain
    }

    /// How long the poll phase may block: not at all when immediates wait, handles
    /// are closing (their `close` is due in this iteration's close phase) or a drain
    /// must resume; until the next timer otherwise; forever when only I/O can wake us.
    pub fn poll_timeout(&self) -> i32 {
        if self.immediates.refs() > 0 || !self.closing.is_empty() || self.resume_drain || !self.alive() {
            return 0;
        }
        match self.timers.next_expiry() {
            Some(expiry) => expiry.saturating_sub(self.clock()).min(i32::MAX as u64) as i32,
            None => -1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_liveness_source_counts_and_closing_never_blocks() {
        let mut lp: Loop<u32> = Loop::new();
        assert!(!lp.alive());
        assert_eq!(lp.poll_timeout(), 0, "a dead loop does not block");
        let hold = lp.counts().clone().hold();
        assert!(lp.alive());
        assert_eq!(lp.poll_timeout(), -1, "only I/O can wake it");
        drop(hold);
        let request = lp.counts().clone().request();
        assert!(lp.alive(), "a request in flight keeps it alive");
        drop(request);
        lp.close_later(7);
        assert!(lp.alive(), "a handle closing keeps it alive");
        let hold = lp.counts().clone().hold();
        assert_eq!(lp.poll_timeout(), 0, "its close is due this iteration");
        assert_eq!(lp.take_closing(), [7]);
        assert_eq!(lp.poll_timeout(), -1);
        drop(hold);
        lp.set_resume_drain();
        assert!(lp.alive(), "a cut drain keeps it alive");
        assert_eq!(lp.poll_timeout(), 0);
        assert!(lp.take_resume_drain());
        assert!(!lp.take_resume_drain());
        assert!(!lp.alive());
    }

    #[test]
    fn a_deferred_time_is_read_when_first_asked() {
        let mut lp: Loop<u32> = Loop::new();
        let before = lp.update_time();
        std::thread::sleep(std::time::Duration::from_millis(3));
        assert_eq!(lp.now(), before, "cached");
        lp.defer_time();
        let read = lp.now();
        assert!(read >= before + 3, "{read} {before}");
        std::thread::sleep(std::time::Duration::from_millis(3));
        assert_eq!(lp.now(), read, "read once, then cached");
    }

    #[test]
    fn an_unrefd_timer_bounds_the_poll_without_keeping_alive() {
        let mut lp: Loop<u32> = Loop::new();
        let now = lp.update_time();
        let id = lp.timers.start(50_000, now, false, 1);
        assert!(lp.alive());
        let t = lp.poll_timeout();
        assert!(t > 0 && t <= 50_000, "{t}");
        lp.timers.set_ref(id, false);
        assert!(!lp.alive());
        let _hold = lp.counts().clone().hold();
        assert!(lp.poll_timeout() > 0, "the timer still bounds the wait");
    }
}
