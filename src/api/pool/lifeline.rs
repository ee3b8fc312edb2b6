//! A pool worker's lifeline: it dies with the pool's process, however that ends.
//!
//! The pool's own exit path kills busy workers (`Host::kill_stragglers`), but a
//! parent killed by SIGKILL, or by a SIGTERM/SIGINT nobody listens to, runs no code
//! at all; its busy workers went on computing for nobody (issue 12 point 10). So
//! each worker asks the kernel for SIGKILL when its parent goes
//! (`PR_SET_PDEATHSIG`). The setting belongs to the calling thread's task and fires
//! when the thread that forked us ends: it is armed here, on the worker's loop
//! thread, and the pool forks from its own loop thread, the two threads that live
//! as long as their processes.

use nix::sys::prctl;
use nix::sys::signal::{Signal, raise};
use nix::unistd::getppid;

/// Arms the lifeline. `parent` is the pool's pid as it told us (the worker
/// variable's value): if the parent died between our fork and the arming, nothing
/// will fire, and getppid() is no longer it — we leave the same way at once.
pub fn arm(parent: Option<i32>) {
    if prctl::set_pdeathsig(Signal::SIGKILL).is_err() {
        return;
    }
    if let Some(p) = parent
        && getppid().as_raw() != p
    {
        let _ = raise(Signal::SIGKILL);
    }
}
