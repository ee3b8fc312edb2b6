//! node-ipc's reconnect policy, as 9.2.1 runs it (measured, reference/anchors.md A.4):
//! a client whose connection closed (or was refused) tries again every `retry` ms;
//! each try spends one of `maxRetries`, and a successful connect restores them all.
//! It gives up (`destroy`) when none are left, when `stopRetrying` is set, or when the
//! script disconnected on purpose. The interval is fixed: node-ipc has no backoff.

/// Retries left for one client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retries {
    /// `None`: unlimited (node-ipc's default `maxRetries: Infinity`).
    left: Option<u64>,
}

/// What to do after a connection closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterClose {
    /// Try again in this many milliseconds.
    RetryIn(u64),
    GiveUp,
}

impl Retries {
    pub fn new(max: Option<u64>) -> Retries {
        Retries { left: max }
    }

    /// A connection was made: every retry is available again.
    pub fn connected(&mut self, max: Option<u64>) {
        self.left = max;
    }

    pub fn left(&self) -> Option<u64> {
        self.left
    }

    /// The connection closed (or the attempt failed).
    pub fn after_close(&self, retry_ms: u64, stop_retrying: bool, explicit: bool) -> AfterClose {
        if stop_retrying || explicit || self.left == Some(0) {
            AfterClose::GiveUp
        } else {
            AfterClose::RetryIn(retry_ms)
        }
    }

    /// A retry starts: it spends one.
    pub fn spend(&mut self) {
        if let Some(n) = &mut self.left {
            *n = n.saturating_sub(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_retries_then_give_up_and_reset_on_connect() {
        // maxRetries: 2 with the server absent: the first attempt, two retries, destroy.
        let mut r = Retries::new(Some(2));
        let mut attempts = 1;
        while let AfterClose::RetryIn(ms) = r.after_close(200, false, false) {
            assert_eq!(ms, 200);
            r.spend();
            attempts += 1;
        }
        assert_eq!(attempts, 3);
        r.connected(Some(2));
        assert_eq!(r.left(), Some(2));
        assert_eq!(r.after_close(200, false, false), AfterClose::RetryIn(200));
    }

    #[test]
    fn unlimited_stop_and_explicit() {
        let mut r = Retries::new(None);
        for _ in 0..1000 {
            r.spend();
        }
        assert_eq!(r.after_close(5, false, false), AfterClose::RetryIn(5));
        assert_eq!(r.after_close(5, true, false), AfterClose::GiveUp);
        assert_eq!(r.after_close(5, false, true), AfterClose::GiveUp);
        assert_eq!(Retries::new(Some(0)).after_close(5, false, false), AfterClose::GiveUp);
    }
}
