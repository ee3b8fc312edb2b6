//! Whether the machine's CPUs are all taken right now: the tasks the kernel counts as
//! runnable (`/proc/loadavg`'s fourth field, `running/total`) against the CPUs this
//! process may use, plus one. The loop's spinning (`io::spin`) asks before it polls: on a
//! crowded machine a spinning process keeps a CPU from the very peer it waits for
//! (measured: twice the round-trip time), while the peer is woken at once anyway.

use std::cell::Cell;
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::time::{Duration, Instant};

/// How long one reading is trusted (a read costs a system call and the kernel's
/// formatting; a round trip is a few tens of microseconds).
const FRESH: Duration = Duration::from_millis(2);

/// `/proc/loadavg`, kept open, and the last answer.
pub struct Load {
    file: Option<File>,
    cpus: usize,
    checked: Cell<Option<Instant>>,
    crowded: Cell<bool>,
}

impl Load {
    /// A reader for a process that may use `cpus` CPUs.
    pub fn new(cpus: usize) -> Load {
        Load { file: File::open("/proc/loadavg").ok(), cpus, checked: Cell::new(None), crowded: Cell::new(false) }
    }

    /// More runnable tasks than CPUs plus one: beyond this process and one peer it may
    /// just have woken (a pool's host and its two workers on two CPUs are not
    /// crowded; two compiles next to a ping-pong are). Unreadable (no /proc, a
    /// sandbox): crowded, so a process that cannot tell never spins.
    pub fn crowded(&self) -> bool {
        let now = Instant::now();
        if self.checked.get().is_some_and(|t| now.duration_since(t) < FRESH) {
            return self.crowded.get();
        }
        self.checked.set(Some(now));
        let crowded = self.runnable().is_none_or(|n| n > self.cpus.saturating_add(1));
        self.crowded.set(crowded);
        crowded
    }

    fn runnable(&self) -> Option<usize> {
        let mut buf = [0u8; 128];
        let n = self.file.as_ref()?.read_at(&mut buf, 0).ok()?;
        parse_running(buf.get(..n)?)
    }
}

/// The runnable count in `/proc/loadavg`'s text: "0.83 1.52 2.01 3/189 18026".
fn parse_running(text: &[u8]) -> Option<usize> {
    let field = text.split(|&b| b == b' ').nth(3)?;
    let running = field.split(|&b| b == b'/').next()?;
    std::str::from_utf8(running).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_runnable_count() {
        assert_eq!(parse_running(b"0.83 1.52 2.01 3/189 18026\n"), Some(3));
        assert_eq!(parse_running(b"10.99 10.00 8.59 11/189 18026\n"), Some(11));
        assert_eq!(parse_running(b"0.83 1.52"), None);
        assert_eq!(parse_running(b""), None);
        // The real file: this test itself is running.
        assert!(Load::new(1).runnable().is_some_and(|n| n >= 1));
    }

    #[test]
    fn crowded_compares_with_the_cpus() {
        assert!(!Load::new(usize::MAX).crowded(), "never more tasks than that");
        let none = Load { file: None, cpus: 0, checked: Cell::new(None), crowded: Cell::new(false) };
        assert!(none.crowded(), "unreadable: counted as crowded (never spin blind)");
    }
}
