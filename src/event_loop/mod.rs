//! The event loop core: clock, timers, immediates, the poller and the liveness rule.
//!
//! It knows nothing of Rhai. The runtime drives it phase by phase, in libuv's order
//! (`uv_run`): timers → pending → poll → check → close, and asks it one question to
//! decide whether the process stays alive: [`Loop::alive`].

pub mod immediates;
pub mod live;
pub mod poller;
pub mod timers;

use std::rc::Rc;
use std::time::Instant;

pub use immediates::{Immediate, Immediates};
pub use live::{Counts, Hold, Request};
pub use poller::{Poller, Ready};
pub use timers::{TimerId, Timers};

pub struct Loop<T: Clone> {
    epoch: Instant,
    now: u64,
    pub timers: Timers<T>,
    pub immediates: Immediates<T>,
    pub poller: Poller,
    /// Ref'd active handles other than timers and immediates (stdin, children, sockets…)
    /// and requests in flight (fs jobs), counted by the guards they hand out.
    counts: Rc<Counts>,
}

impl<T: Clone> Loop<T> {
    pub fn new() -> std::io::Result<Self> {
        Ok(Loop {
            epoch: Instant::now(),
            now: 0,
            timers: Timers::new(),
            immediates: Immediates::default(),
            poller: Poller::new()?,
            counts: Rc::default(),
        })
    }

    /// Milliseconds since the loop started, as of the last [`Loop::update_time`].
    pub fn now(&self) -> u64 {
        self.now
    }

    pub fn update_time(&mut self) -> u64 {
        self.now = self.epoch.elapsed().as_millis() as u64;
        self.now
    }

    /// The counts behind the liveness guards ([`Hold`], [`Request`]): guards are taken
    /// from them, not from the loop, so taking or dropping one never borrows the loop.
    pub fn counts(&self) -> &Rc<Counts> {
        &self.counts
    }

    /// The one liveness predicate: anything ref'd still active.
    pub fn alive(&self) -> bool {
        self.timers.refs() > 0 || self.immediates.refs() > 0 || self.counts.any()
    }

    /// How long the poll phase may block: not at all when immediates wait, until the
    /// next timer otherwise, forever when only I/O can wake us.
    pub fn poll_timeout(&self) -> i32 {
        if self.immediates.refs() > 0 || !self.alive() {
            return 0;
        }
        match self.timers.next_expiry() {
            Some(expiry) => expiry.saturating_sub(self.epoch.elapsed().as_millis() as u64).min(i32::MAX as u64) as i32,
            None => -1,
        }
    }
}
