//! When a process's idle hooks run (a forked child waiting for messages gives back
//! its idle pages, `sys::trim`): sans-IO and clock-free, so it is unit-tested; the
//! hooks (`runtime::hooks`) run the waits, the alarm and the hooks.
//!
//! The rule: the hooks run the first time the loop waits with nothing scheduled, and
//! again once the loop, after I/O, has spent [`GRACE_MS`] in waits with nothing
//! scheduled and no I/O. The grace is timed by an alarm (`sys::alarm`, a timer
//! descriptor in the poller), armed when the grace starts and re-armed for what is
//! left of it when it expires after later I/O: about once a second while busy. The
//! waits themselves block without a timeout. (A timeout on every wait, the simple
//! way, arms a kernel timer per wait: a tenth of a microsecond or more of every
//! fork-channel round trip.) Without an alarm (one could not be made), each wait of
//! a busy loop with nothing scheduled is a grace wait of [`GRACE_MS`], as before.

use std::cell::Cell;

/// How long a loop that was busy waits with nothing scheduled before its idle hooks
/// run again: what a burst of messages ran is likely to run again soon, and faulting
/// it back in after every message would cost each message tens of microseconds.
pub const GRACE_MS: u64 = 1000;

/// Where the idle hooks stand.
#[derive(Clone, Copy, Default, PartialEq, Debug)]
enum Stage {
    /// Start-up has run, the loop has not waited yet.
    #[default]
    Fresh,
    /// The hooks ran, nothing happened since.
    Released,
    /// I/O happened since the hooks last ran.
    Busy,
}

/// What to do before a wait.
#[derive(Debug, PartialEq)]
pub struct Before {
    /// The wait's timeout (ms; -1: none).
    pub timeout: i32,
    /// Run the hooks now.
    pub run: bool,
    /// Arm the alarm this many ms from now.
    pub arm: Option<u64>,
}

/// What to do when the alarm expired.
#[derive(Debug, PartialEq)]
pub enum OnAlarm {
    /// The grace is over: run the hooks.
    Run,
    /// Not yet quiet long enough: arm it again, this many ms from now.
    Rearm(u64),
    /// Nothing (the loop is not waiting idle; the next idle wait arms it again).
    Nothing,
}

/// The policy's state. Times are the loop's milliseconds.
#[derive(Default)]
pub struct Idle {
    stage: Cell<Stage>,
    /// When the loop last was not idle: a wait that saw I/O ended, or a wait with
    /// something scheduled began or ended.
    active_at: Cell<u64>,
    /// The alarm is set and has not expired.
    armed: Cell<bool>,
    /// The current wait is an idle one (nothing scheduled).
    idle_wait: Cell<bool>,
    /// The current wait is a grace wait (no alarm: the old way).
    grace: Cell<bool>,
}

impl Idle {
    /// Before the poll phase's wait, given the loop's own `timeout` (-1: nothing
    /// scheduled), at `now`; `alarm` says whether an alarm can be used.
    pub fn before_wait(&self, timeout: i32, now: u64, alarm: bool) -> Before {
        let plain = Before { timeout, run: false, arm: None };
        self.idle_wait.set(timeout < 0);
        self.grace.set(false);
        if timeout >= 0 {
            self.active_at.set(now);
            return plain;
        }
        match self.stage.get() {
            Stage::Fresh => {
                self.stage.set(Stage::Released);
                Before { run: true, ..plain }
            }
            Stage::Released => plain,
            Stage::Busy if !alarm => {
                self.grace.set(true);
                Before { timeout: GRACE_MS as i32, ..plain }
            }
            Stage::Busy if self.armed.get() => plain,
            Stage::Busy => {
                self.armed.set(true);
                let quiet = now.saturating_sub(self.active_at.get());
                Before { arm: Some(GRACE_MS.saturating_sub(quiet).max(1)), ..plain }
            }
        }
    }

    /// After the wait, at `now`: `io` says whether it reported anything besides the
    /// alarm. True: run the hooks (a grace wait without an alarm saw nothing).
    pub fn after_wait(&self, io: bool, now: u64) -> bool {
        let grace = self.grace.replace(false);
        // A wait with something scheduled ends in running it: the loop is active.
        if io || !self.idle_wait.get() {
            self.active_at.set(now);
        }
        if io {
            self.stage.set(Stage::Busy);
            return false;
        }
        if grace {
            self.stage.set(Stage::Released);
            return true;
        }
        false
    }

    /// The alarm could not be armed (and will not be used again): this wait is a
    /// grace wait of [`GRACE_MS`] instead; its timeout.
    pub fn alarm_failed(&self) -> i32 {
        self.armed.set(false);
        self.grace.set(self.idle_wait.get() && self.stage.get() == Stage::Busy);
        if self.grace.get() { GRACE_MS as i32 } else { -1 }
    }

    /// The alarm expired, at `now` (after [`Idle::after_wait`] of the same wait).
    pub fn alarm(&self, now: u64) -> OnAlarm {
        self.armed.set(false);
        if self.stage.get() != Stage::Busy || !self.idle_wait.get() {
            return OnAlarm::Nothing;
        }
        let quiet = now.saturating_sub(self.active_at.get());
        if quiet >= GRACE_MS {
            self.stage.set(Stage::Released);
            return OnAlarm::Run;
        }
        self.armed.set(true);
        OnAlarm::Rearm(GRACE_MS - quiet)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wait(timeout: i32) -> Before {
        Before { timeout, run: false, arm: None }
    }

    #[test]
    fn runs_at_the_first_idle_wait_then_after_a_quiet_grace_timed_by_the_alarm() {
        let idle = Idle::default();
        assert_eq!(idle.before_wait(5, 0, true), wait(5), "a timer is due: not idle");
        assert_eq!(idle.before_wait(-1, 1, true), Before { run: true, ..wait(-1) }, "the first idle wait runs them");
        assert!(!idle.after_wait(false, 2));
        assert_eq!(idle.before_wait(-1, 2, true), wait(-1), "nothing happened since: block, no alarm");
        assert!(!idle.after_wait(true, 100), "I/O: busy");
        assert_eq!(idle.before_wait(-1, 100, true), Before { arm: Some(GRACE_MS), ..wait(-1) }, "the grace starts");
        assert!(!idle.after_wait(true, 400));
        assert_eq!(idle.before_wait(-1, 401, true), wait(-1), "armed already: no system call per wait");
        assert!(!idle.after_wait(false, 1100));
        assert_eq!(idle.alarm(1100), OnAlarm::Rearm(300), "I/O at 400: 300 ms of the grace left");
        assert_eq!(idle.before_wait(-1, 1100, true), wait(-1));
        assert!(!idle.after_wait(false, 1400));
        assert_eq!(idle.alarm(1400), OnAlarm::Run, "a quiet second since the last I/O");
        assert_eq!(idle.before_wait(-1, 1400, true), wait(-1), "released: block, no alarm");
    }

    #[test]
    fn a_wait_with_something_scheduled_is_not_idle() {
        let idle = Idle::default();
        idle.before_wait(-1, 0, true);
        idle.after_wait(true, 10);
        assert_eq!(idle.before_wait(-1, 10, true).arm, Some(GRACE_MS));
        idle.after_wait(false, 500);
        assert_eq!(idle.before_wait(2000, 500, true), wait(2000), "a timer's wait");
        assert!(!idle.after_wait(false, 1010));
        assert_eq!(idle.alarm(1010), OnAlarm::Nothing, "expired during a timer's wait: not idle");
        assert!(!idle.after_wait(false, 2500), "the timer fired");
        assert_eq!(idle.before_wait(-1, 2500, true).arm, Some(GRACE_MS), "the next idle wait starts the grace anew");
        idle.after_wait(false, 3500);
        assert_eq!(idle.alarm(3500), OnAlarm::Run);
    }

    #[test]
    fn without_an_alarm_each_busy_idle_wait_is_a_grace_wait() {
        let idle = Idle::default();
        assert!(idle.before_wait(-1, 0, false).run);
        assert!(!idle.after_wait(false, 0));
        assert!(!idle.after_wait(true, 1));
        assert_eq!(idle.before_wait(-1, 1, false), wait(GRACE_MS as i32), "after I/O: a grace wait");
        assert!(!idle.after_wait(true, 2), "the grace wait saw I/O");
        assert_eq!(idle.before_wait(-1, 2, false).timeout, GRACE_MS as i32);
        assert!(idle.after_wait(false, 1002), "a quiet grace wait runs them");
        assert_eq!(idle.before_wait(-1, 1002, false), wait(-1));
        assert!(!idle.after_wait(true, 1003));
        assert_eq!(idle.before_wait(3, 1003, false), wait(3), "a timer's wait is not a grace wait");
        assert!(!idle.after_wait(false, 1006));
    }
}
