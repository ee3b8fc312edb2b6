//! One worker as the core sees it: its phase, the jobs it holds in order (the first
//! one is running, the others were prefetched), and its counters.

use std::collections::VecDeque;

use super::{JobId, Sig, WorkerId};

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Phase {
    /// Spawned; not yet reported ready.
    Starting,
    Ready,
    /// Asked to leave; no new work, gone at its exit.
    Stopping,
}

/// A job waiting in the queue or held by a worker.
pub struct Job<J, T> {
    pub id: JobId,
    pub payload: J,
    pub ticket: T,
    pub queued_at: u64,
    /// Runs begun on a worker that then died (each one counted against `retries`).
    pub crashes: u32,
}

pub struct Worker<J, T> {
    pub id: WorkerId,
    pub phase: Phase,
    /// Replies carry the job id (the stdlib `worker()` helper); only these may
    /// have jobs prefetched.
    pub tagged: bool,
    pub held: VecDeque<Job<J, T>>,
    /// When the first held job started.
    pub head_started: u64,
    pub dispatched: u64,
    pub completed: u64,
    pub idle_since: u64,
    /// The next step of a stop that is taking too long.
    pub escalate: Option<(u64, Sig)>,
    /// Its channel closed by itself: no more jobs; it still holds its slot (and its
    /// running job) until it is gone.
    pub cut: bool,
}

impl<J, T> Worker<J, T> {
    pub fn new(id: WorkerId) -> Self {
        Worker {
            id,
            phase: Phase::Starting,
            tagged: false,
            held: VecDeque::new(),
            head_started: 0,
            dispatched: 0,
            completed: 0,
            idle_since: 0,
            escalate: None,
            cut: false,
        }
    }

    pub fn is_idle(&self) -> bool {
        self.phase == Phase::Ready && !self.cut && self.held.is_empty()
    }

    pub fn is_busy(&self) -> bool {
        self.phase == Phase::Ready && !self.cut && !self.held.is_empty()
    }

    pub fn live(&self) -> bool {
        self.phase != Phase::Stopping
    }

    /// Whether recycling still allows one more job.
    pub fn may_take(&self, max_tasks: Option<u64>) -> bool {
        max_tasks.is_none_or(|m| self.dispatched < m)
    }
}
