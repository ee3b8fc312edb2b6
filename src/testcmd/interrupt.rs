//! Ctrl-C (or SIGTERM, SIGHUP) on `procbox test` ends the cases it is running too.
//! Each case is the leader of its own process group, so the terminal's SIGINT does not
//! reach it; without this a hung case would outlive the run it belonged to.
//!
//! The running groups sit in a fixed table of atomics, one slot per job, so the
//! signal handler only loads atomics and calls kill(2), both async-signal-safe (the
//! calls are [`crate::sys`]'s; the `libc::SIG*` here are signal numbers, data).

use std::sync::atomic::{AtomicI32, Ordering};

use crate::sys::{process, signal};

/// More jobs than slots just go unregistered (and are not killed on Ctrl-C).
const SLOTS: usize = 256;

static GROUPS: [AtomicI32; SLOTS] = [const { AtomicI32::new(0) }; SLOTS];

/// Records (pgid > 0) or clears (0) the group job `slot` is running.
pub fn set(slot: usize, pgid: i32) {
    if let Some(g) = GROUPS.get(slot) {
        g.store(pgid, Ordering::SeqCst);
    }
}

extern "C" fn on_signal(sig: i32) {
    for g in &GROUPS {
        let pgid = g.load(Ordering::SeqCst);
        if pgid > 0 {
            // The group is one a job started and has not reaped the leader of (the
            // slot is cleared before reaping), so the id still names it.
            let _ = process::kill(-pgid, libc::SIGKILL);
        }
    }
    // With the default action back, the process ends by the same signal, as the user
    // asked.
    signal::reraise_default(sig);
}

/// Installs the handler for SIGINT, SIGTERM and SIGHUP.
pub fn install() {
    for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        let _ = signal::install(sig, on_signal);
    }
}
