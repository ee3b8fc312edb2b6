//! Bounded adaptive spinning before the poll phase blocks (issue 17, latency): right
//! after I/O, a loop whose peer answers quickly polls with a zero timeout for a few
//! tens of microseconds before it blocks in `epoll_wait`. A deliberate difference
//! from Node (libuv always blocks): procbox trades a little CPU for latency.
//!
//! Why: a blocked process is woken by the peer's write; on a virtual machine whose
//! idle vCPU halts (this one: `cpuidle-haltpoll` with `guest_halt_poll_ns=0`), that
//! wake-up is an inter-processor interrupt through the hypervisor, tens of
//! microseconds for each side of a round trip. A process still polling on its own CPU
//! sees the answer as soon as it is in the socket. Go's scheduler (spinning Ms) and
//! adaptive mutexes do the same.
//!
//! The rules (the policy is here, sans-IO and clock-free, so it is unit-tested; the
//! reactor runs the polls):
//! - Never when the process may run on one CPU only (`taskset -c 0`): the peer needs
//!   that CPU to answer; never with `PROCBOX_SPIN_US=0`.
//! - Never before a wait that would not block (timeout 0) or whose timer is due
//!   within the spin budget.
//! - Only right after I/O: the last wait ended with something ready, within
//!   [`WINDOW_BUDGETS`] budgets of its start. A process that waited longer (an idle
//!   child, a server between requests) blocks at once: idle stays at 0 CPU, and a
//!   process spins at most one budget after its last I/O.
//! - Never while the machine is crowded: more runnable tasks than CPUs plus one
//!   (`sys::load`, read at most every 2 ms). There the peer is woken at once anyway
//!   (no CPU is idle, so none is halted), and a spin would keep a CPU from it
//!   (measured at load 10 on 2 CPUs: twice the round-trip time).
//! - A spin that found nothing makes the next spins rarer (skip 2, 4, … up to
//!   [`MAX_SKIP`] waits); one that found I/O resets that. A peer slower than the
//!   budget, or a busy machine where the peer cannot run while we spin, costs at most
//!   one budget every [`MAX_SKIP`] waits.

use std::cell::Cell;

use crate::sys::load::Load;

/// The spin budget when `PROCBOX_SPIN_US` is not set, in microseconds.
pub const DEFAULT_BUDGET_US: u64 = 50;
/// The variable that sets the budget (`0` turns spinning off).
pub const ENV: &str = "PROCBOX_SPIN_US";
/// A wait that found I/O within this many budgets counts as "right after I/O".
pub const WINDOW_BUDGETS: u64 = 4;
/// The most waits skipped after spins that found nothing.
pub const MAX_SKIP: u32 = 64;

/// The spinning policy of one loop.
#[derive(Default)]
pub struct Spin {
    /// Nanoseconds to poll before blocking; 0: never.
    budget_ns: u64,
    /// The last wait ended with I/O ready, soon after it began.
    warm: Cell<bool>,
    /// Spins in a row that found nothing.
    misses: Cell<u32>,
    /// Waits left to block at once (after misses).
    skip: Cell<u32>,
    /// Asked last: whether every CPU is taken (then the peer is woken at once anyway,
    /// and a spin would keep a CPU from it). `None`: not asked (tests).
    load: Option<Load>,
}

impl Spin {
    /// A policy spinning up to `budget_us` µs (0: off), off when `cpus` (the
    /// affinity mask's size) is known and below 2.
    pub fn new(budget_us: u64, cpus: Option<usize>) -> Spin {
        let one_cpu = cpus.is_some_and(|n| n < 2);
        let budget_ns = if one_cpu { 0 } else { budget_us.saturating_mul(1000) };
        Spin { budget_ns, ..Spin::default() }
    }

    /// The loop's policy: `PROCBOX_SPIN_US` (µs; unset: [`DEFAULT_BUDGET_US`];
    /// unreadable: off), and the CPUs this process may use.
    pub fn from_env() -> Spin {
        let budget = match crate::sys::environ::get(ENV) {
            None => DEFAULT_BUDGET_US,
            Some(v) => v.trim().parse().unwrap_or(0),
        };
        let cpus = if budget == 0 { None } else { crate::sys::host::affinity_cpus() };
        let spin = Spin::new(budget, cpus);
        let load = spin.enabled().then(|| Load::new(cpus.unwrap_or(2)));
        Spin { load, ..spin }
    }

    /// Whether spinning is on at all.
    pub fn enabled(&self) -> bool {
        self.budget_ns > 0
    }

    /// How long to poll before a wait with `timeout_ms` (-1: none), in nanoseconds;
    /// `None`: block at once. Counts down a skip.
    pub fn budget(&self, timeout_ms: i32) -> Option<u64> {
        if self.budget_ns == 0 || timeout_ms == 0 || !self.warm.get() {
            return None;
        }
        if timeout_ms > 0 && (timeout_ms as u64).saturating_mul(1_000_000) <= self.budget_ns {
            return None;
        }
        let skip = self.skip.get();
        if skip > 0 {
            self.skip.set(skip - 1);
            return None;
        }
        if self.load.as_ref().is_some_and(Load::crowded) {
            return None;
        }
        Some(self.budget_ns)
    }

    /// A spin ended: `found` I/O (within the budget) or not.
    pub fn spun(&self, found: bool) {
        if found {
            self.misses.set(0);
            self.warm.set(true);
        } else {
            let misses = self.misses.get().saturating_add(1).min(16);
            self.misses.set(misses);
            self.skip.set((1u32 << misses.min(6)).min(MAX_SKIP));
        }
    }

    /// A blocking wait ended after `took_ns`, with I/O ready or not (a timer, EINTR).
    pub fn waited(&self, found: bool, took_ns: u64) {
        let window = self.budget_ns.saturating_mul(WINDOW_BUDGETS);
        self.warm.set(found && took_ns <= window);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const US: u64 = 1000;

    #[test]
    fn off_on_one_cpu_with_zero_and_before_the_first_io() {
        let one = Spin::new(50, Some(1));
        one.waited(true, 0);
        assert_eq!(one.budget(-1), None, "one CPU: the peer needs it");
        let zero = Spin::new(0, Some(8));
        zero.waited(true, 0);
        assert_eq!(zero.budget(-1), None, "PROCBOX_SPIN_US=0");
        let fresh = Spin::new(50, Some(2));
        assert_eq!(fresh.budget(-1), None, "no I/O yet: block");
        assert!(Spin::new(50, None).enabled(), "an unknown mask does not turn it off");
    }

    #[test]
    fn spins_only_right_after_io_and_never_past_a_timer() {
        let s = Spin::new(50, Some(2));
        s.waited(true, 30 * US);
        assert_eq!(s.budget(-1), Some(50 * US), "I/O came quickly: spin");
        assert_eq!(s.budget(0), None, "a wait that does not block");
        s.waited(true, 30 * US);
        assert_eq!(s.budget(1), Some(50 * US), "a timer 1 ms away is after the budget");
        let long = Spin::new(2000, Some(2));
        long.waited(true, 0);
        assert_eq!(long.budget(1), None, "a timer due within the budget");
        s.waited(true, 10_000 * US);
        assert_eq!(s.budget(-1), None, "a long wait (an idle peer): block");
        s.waited(false, 10 * US);
        assert_eq!(s.budget(-1), None, "a wait that ended on nothing (a timer)");
    }

    #[test]
    fn misses_back_off_and_a_hit_resets() {
        let s = Spin::new(50, Some(2));
        s.waited(true, 10 * US);
        let mut blocked = 0;
        for _ in 0..200 {
            match s.budget(-1) {
                Some(_) => s.spun(false),
                None => blocked += 1,
            }
            s.waited(true, 10 * US); // the peer answers, just not within the spin
        }
        let spins = 200 - blocked;
        assert!(spins <= 10, "{spins} spins in 200 waits after misses");
        assert!(spins >= 3, "it keeps trying now and then: {spins}");
        while s.budget(-1).is_none() {}
        s.spun(true);
        assert_eq!(s.budget(-1), Some(50 * US), "a hit: spin again at once");
        s.spun(true);
        s.spun(false);
        assert_eq!(s.budget(-1), None, "one miss skips the next two waits");
        assert_eq!(s.budget(-1), None);
        assert_eq!(s.budget(-1), Some(50 * US));
    }
}
