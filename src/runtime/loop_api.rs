//! The loop as the bindings see it: a few narrow methods on [`State`] (liveness
//! guards, timers, immediates, the loop's clock, the close phase) instead of a
//! borrow of the whole loop.
//!
//! Each method borrows the loop for its own duration only, so a binding can never
//! hold the borrow across a callback into script (where a nested borrow would panic).

use std::cell::Cell;
use std::rc::Rc;

use super::{State, Task};
use crate::event_loop::{Hold, Immediate, Request, TimerId};

impl State {
    /// One ref'd active handle keeps the loop alive while the guard lives.
    pub fn hold(&self) -> Hold {
        self.live.hold()
    }

    /// One request in flight (an fs job) keeps the loop alive while the guard lives.
    pub fn request(&self) -> Request {
        self.live.request()
    }

    /// Makes `slot` hold the loop iff `on`; holding twice holds once.
    pub fn set_hold(&self, slot: &Cell<Option<Hold>>, on: bool) {
        self.live.set_hold(slot, on);
    }

    /// The loop's time (ms since it started) as of its last update: what Node calls
    /// the loop's cached "now".
    pub fn now(&self) -> u64 {
        self.lp.borrow().now()
    }

    /// Reads the clock into the loop's time and returns it.
    pub fn update_time(&self) -> u64 {
        self.lp.borrow_mut().update_time()
    }

    /// Starts a timer of `ms` (already clamped) from the clock read now.
    pub fn timer_start(&self, ms: u64, repeat: bool, task: Task) -> TimerId {
        let mut lp = self.lp.borrow_mut();
        let now = lp.update_time();
        lp.timers.start(ms, now, repeat, task)
    }

    /// Starts a one-shot timer of `ms` measured from `start` (a time the caller read
    /// from [`State::now`] or [`State::update_time`]).
    pub fn timer_start_at(&self, start: u64, ms: u64, task: Task) -> TimerId {
        self.lp.borrow_mut().timers.start(ms, start, false, task)
    }

    /// Starts a one-shot timer that does not keep the loop alive (timeouts, retries).
    pub fn timer_start_unref(&self, ms: u64, task: Task) -> TimerId {
        let mut lp = self.lp.borrow_mut();
        let now = lp.update_time();
        let id = lp.timers.start(ms, now, false, task);
        lp.timers.set_ref(id, false);
        id
    }

    /// Stops a timer; unknown or cleared ids are ignored, as in Node.
    pub fn timer_clear(&self, id: TimerId) {
        self.lp.borrow_mut().timers.clear(id);
    }

    pub fn timer_set_ref(&self, id: TimerId, on: bool) {
        self.lp.borrow_mut().timers.set_ref(id, on);
    }

    pub fn timer_has_ref(&self, id: TimerId) -> bool {
        self.lp.borrow().timers.has_ref(id)
    }

    /// `timeout.refresh()`: the countdown restarts from the clock read now.
    pub fn timer_refresh(&self, id: TimerId) {
        let mut lp = self.lp.borrow_mut();
        let now = lp.update_time();
        lp.timers.refresh(id, now);
    }

    /// Queues a handle's `close` work for the close phase of this iteration.
    pub fn close_later(&self, task: Task) {
        self.lp.borrow_mut().close_later(task);
    }

    /// Queues an immediate for the next check phase (ref'd), with its handle.
    pub fn immediate(&self, task: Task) -> Rc<Immediate> {
        self.lp.borrow_mut().immediates.push(task)
    }

    /// Queues an immediate nobody will clear or unref (`setImmediate(f);`): no handle.
    pub fn immediate_unheld(&self, task: Task) {
        self.lp.borrow_mut().immediates.push_unheld(task);
    }

    pub fn immediate_clear(&self, entry: &Immediate) {
        self.lp.borrow_mut().immediates.clear(entry);
    }

    pub fn immediate_set_ref(&self, entry: &Immediate, on: bool) {
        self.lp.borrow_mut().immediates.set_ref(entry, on);
    }
}
