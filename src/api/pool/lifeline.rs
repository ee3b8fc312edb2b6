//! A pool worker's lifeline: while it runs a job, it dies with the pool's process,
//! however that ends.
//!
//! The pool's own exit path kills busy workers (`Host::kill_stragglers`), but a
//! parent killed by SIGKILL, or by a SIGTERM/SIGINT nobody listens to, runs no code
//! at all; its busy workers went on computing for nobody (issue 12 point 10). So a
//! worker asks the kernel for SIGKILL when its parent goes (`PR_SET_PDEATHSIG`).
//! The setting belongs to the calling thread's task and fires when the thread that
//! forked us ends: it is armed here, on the worker's loop thread, and the pool
//! forks from its own loop thread, the two threads that live as long as their
//! processes.
//!
//! A stdlib `worker()` between jobs is idle and reads its channel: the parent's
//! death is its channel's EOF and it exits cleanly (its `exit` listeners run). So
//! it holds the lifeline only while a job runs. A seed-style worker (a `message`
//! listener) gives no sign of when it works: it holds the lifeline from start-up.

use crate::sys::signal::{raise, set_parent_death_signal};
use crate::sys::task::parent_pid;

/// SIGKILL's number, as data.
const SIGKILL: i32 = libc::SIGKILL;

/// A pool worker's lifeline: the pool's pid (-1: a pool worker that was not told
/// the pid). Only a pool worker has one (the worker side keeps it).
#[derive(Clone, Copy)]
pub struct Lifeline(i32);

/// At start-up of a pool worker: remembers the pool's pid (the worker variable's
/// value) and arms the lifeline.
pub fn start(parent: Option<i32>) -> Lifeline {
    let l = Lifeline(parent.filter(|&p| p > 0).unwrap_or(-1));
    l.hold(true);
    l
}

impl Lifeline {
    /// Arms (`true`) or disarms the lifeline. After arming, the parent-pid re-check:
    /// if the pool died before the lifeline was armed nothing will fire, and
    /// getppid() is no longer its pid — we leave the same way.
    pub fn hold(self, on: bool) {
        let pool = self.0;
        if !on {
            let _ = set_parent_death_signal(None);
            return;
        }
        if set_parent_death_signal(Some(SIGKILL)).is_ok() && pool > 0 && parent_pid() != pool {
            let _ = raise(SIGKILL);
        }
    }
}
