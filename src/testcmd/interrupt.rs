//! Ctrl-C (or SIGTERM, SIGHUP) on `procbox test` ends the cases it is running too.
//! Each case is the leader of its own process group, so the terminal's SIGINT does not
//! reach it; without this a hung case would outlive the run it belonged to.
//!
//! The running groups sit in a fixed table of atomics, one slot per job, so the
//! signal handler only loads atomics and calls kill(2), both async-signal-safe.

use std::sync::atomic::{AtomicI32, Ordering};

/// More jobs than slots just go unregistered (and are not killed on Ctrl-C).
const SLOTS: usize = 256;

static GROUPS: [AtomicI32; SLOTS] = [const { AtomicI32::new(0) }; SLOTS];

/// Records (pgid > 0) or clears (0) the group job `slot` is running.
pub fn set(slot: usize, pgid: i32) {
    if let Some(g) = GROUPS.get(slot) {
        g.store(pgid, Ordering::SeqCst);
    }
}

extern "C" fn on_signal(sig: libc::c_int) {
    for g in &GROUPS {
        let pgid = g.load(Ordering::SeqCst);
        if pgid > 0 {
            // SAFETY: kill(2) is async-signal-safe; the group is one a job started
            // and has not reaped the leader of (the slot is cleared before reaping).
            unsafe { libc::kill(-pgid, libc::SIGKILL) };
        }
    }
    // SAFETY: signal(2) and raise(3) are async-signal-safe; with the default action
    // back, the process ends by the same signal, as the user asked.
    unsafe {
        libc::signal(sig, libc::SIG_DFL);
        libc::raise(sig);
    }
}

/// Installs the handler for SIGINT, SIGTERM and SIGHUP.
pub fn install() {
    for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        // SAFETY: a handler that only does async-signal-safe work (see on_signal).
        unsafe { libc::signal(sig, on_signal as *const () as libc::sighandler_t) };
    }
}
