//! The exit flush's one deadline rule, sans-IO (time is passed in): a peer that takes
//! none of our output for `idle` is given up on; every byte it takes restarts its
//! clock. So a slow reader gets everything, however long that takes, and a peer that
//! is busy, stopped or gone costs the exit at most `idle`.
//!
//! Configured by [`ENV`] (milliseconds), read when the process exits, so a script can
//! set it through `process.env` too; children inherit it with the environment.

use std::time::{Duration, Instant};

/// The variable that sets the idle deadline, in milliseconds.
pub const ENV: &str = "PROCBOX_EXIT_FLUSH_TIMEOUT";
/// Long enough for a peer that is busy for a moment (a GC pause, a burst of work),
/// short enough that an exit stuck on a peer that will never read is noticed.
pub const DEFAULT_IDLE: Duration = Duration::from_millis(5000);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    pub idle: Duration,
}

impl Default for Rule {
    fn default() -> Rule {
        Rule { idle: DEFAULT_IDLE }
    }
}

impl Rule {
    /// The rule [`ENV`]'s value names: a whole number of milliseconds (0: write what
    /// the peers take right now, wait for nothing). Unset or empty: the default; any
    /// other text is an error (the caller warns and uses the default).
    pub fn parse(text: Option<&str>) -> Result<Rule, String> {
        let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else { return Ok(Rule::default()) };
        match text.parse::<u64>() {
            Ok(ms) => Ok(Rule { idle: Duration::from_millis(ms) }),
            Err(_) => Err(format!("{ENV}={text:?} is not a whole number of milliseconds")),
        }
    }
}

/// One peer's clock: when it last took some of our output.
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    last: Instant,
}

impl Clock {
    pub fn start(now: Instant) -> Clock {
        Clock { last: now }
    }

    /// The peer took some bytes.
    pub fn progress(&mut self, now: Instant) {
        self.last = now;
    }

    /// How long the peer may still take nothing.
    pub fn left(&self, rule: Rule, now: Instant) -> Duration {
        (self.last + rule.idle).saturating_duration_since(now)
    }

    pub fn expired(&self, rule: Rule, now: Instant) -> bool {
        self.left(rule, now).is_zero()
    }
}

/// What was not delivered, for the warning: "3 messages (412 KiB)".
pub fn amount(items: usize, unit: &str, bytes: usize) -> String {
    let plural = if items == 1 { "" } else { "s" };
    let size = if bytes < 1024 {
        format!("{bytes} byte{}", if bytes == 1 { "" } else { "s" })
    } else if bytes < 1 << 20 {
        format!("{} KiB", bytes.div_ceil(1024))
    } else {
        format!("{:.1} MiB", bytes as f64 / (1u64 << 20) as f64)
    };
    format!("{items} {unit}{plural} ({size})")
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn the_variable_sets_the_idle_deadline() {
        assert_eq!(Rule::parse(None), Ok(Rule::default()));
        assert_eq!(Rule::parse(Some(" ")), Ok(Rule::default()));
        assert_eq!(Rule::parse(Some("250")).unwrap().idle, 250 * MS);
        assert_eq!(Rule::parse(Some("0")).unwrap().idle, Duration::ZERO);
        assert!(Rule::parse(Some("-1")).unwrap_err().contains(ENV));
        assert!(Rule::parse(Some("5s")).is_err());
    }

    #[test]
    fn progress_restarts_the_clock() {
        let rule = Rule { idle: 100 * MS };
        let t0 = Instant::now();
        let mut c = Clock::start(t0);
        assert_eq!(c.left(rule, t0 + 40 * MS), 60 * MS);
        assert!(!c.expired(rule, t0 + 99 * MS));
        c.progress(t0 + 90 * MS);
        assert!(!c.expired(rule, t0 + 150 * MS), "a peer that reads keeps its time");
        assert!(c.expired(rule, t0 + 190 * MS));
        assert!(Clock::start(t0).expired(Rule { idle: Duration::ZERO }, t0));
    }

    #[test]
    fn amounts_read_naturally() {
        assert_eq!(amount(1, "message", 1), "1 message (1 byte)");
        assert_eq!(amount(3, "message", 421_000), "3 messages (412 KiB)");
        assert_eq!(amount(2, "write", 3 << 20), "2 writes (3.0 MiB)");
    }
}
