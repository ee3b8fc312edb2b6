//! Deadlines and endings: task timeouts, idle retirement, slow stops escalated to
//! SIGTERM then SIGKILL, `close()` and `terminate()`, and what keeps the process
//! alive.

use super::worker::Phase;
use super::{Action, Failure, Pool, Sig, WorkerId};

impl<J: Clone, T> Pool<J, T> {
    /// Deadlines: task timeouts, idle retirement, escalation of slow stops.
    pub fn tick(&mut self, now: u64) {
        if let Some(limit) = self.cfg.task_timeout {
            let late: Vec<WorkerId> =
                self.workers.iter().filter(|w| w.is_busy() && now >= w.head_started + limit).map(|w| w.id).collect();
            for id in late {
                self.time_out(id, now);
            }
        }
        if let Some(limit) = self.cfg.idle_timeout {
            let mut idle: Vec<(u64, WorkerId)> = self
                .workers
                .iter()
                .filter(|w| w.is_idle() && now >= w.idle_since + limit)
                .map(|w| (w.idle_since, w.id))
                .collect();
            idle.sort();
            for (_, id) in idle {
                if self.live() > self.cfg.min {
                    self.stop(id, now);
                }
            }
        }
        for w in self.workers.iter_mut() {
            if let Some((at, sig)) = w.escalate
                && now >= at
            {
                self.actions.push_back(Action::Signal(w.id, sig));
                w.escalate = (sig == Sig::Term).then_some((now + self.cfg.kill_grace, Sig::Kill));
            }
        }
        self.pump(now);
    }

    /// The running job took too long: it fails, its worker is killed.
    pub(super) fn time_out(&mut self, id: WorkerId, now: u64) {
        let grace = self.cfg.kill_grace;
        let Some(w) = self.worker_mut(id) else { return };
        let Some(running) = w.held.pop_front() else { return };
        let rest = std::mem::take(&mut w.held);
        w.phase = Phase::Stopping;
        w.escalate = Some((now + grace, Sig::Kill));
        self.stats.failed += 1;
        self.lost += 1;
        self.actions.push_back(Action::Fail { ticket: running.ticket, worker: Some(id), failure: Failure::TimedOut });
        self.actions.push_back(Action::Signal(id, Sig::Term));
        self.requeue(rest);
    }

    /// Asks a worker to leave, SIGTERM following if it does not.
    pub(super) fn stop(&mut self, id: WorkerId, now: u64) {
        let grace = self.cfg.kill_grace;
        let Some(w) = self.worker_mut(id) else { return };
        if w.phase == Phase::Stopping {
            return;
        }
        w.phase = Phase::Stopping;
        w.escalate = Some((now + grace, Sig::Term));
        self.actions.push_back(Action::Stop(id));
    }

    /// `close()`: no new jobs; the queued ones still run, then the workers leave.
    pub fn close(&mut self, now: u64) {
        self.closing = true;
        self.pump(now);
    }

    /// `terminate()`: every queued and running job fails, every worker is killed
    /// (SIGTERM, then SIGKILL after the grace period).
    pub fn terminate(&mut self, now: u64) {
        self.closing = true;
        self.terminated = true;
        let queued = std::mem::take(&mut self.queue);
        let grace = self.cfg.kill_grace;
        let mut fails = Vec::new();
        for w in self.workers.iter_mut() {
            fails.extend(w.held.drain(..).map(|j| (j, Some(w.id))));
            if w.escalate.is_none_or(|(_, sig)| sig == Sig::Term) {
                w.phase = Phase::Stopping;
                w.escalate = Some((now + grace, Sig::Kill));
                self.actions.push_back(Action::Signal(w.id, Sig::Term));
            }
        }
        fails.extend(queued.into_iter().map(|j| (j, None)));
        for (job, worker) in fails {
            self.stats.failed += 1;
            self.actions.push_back(Action::Fail { ticket: job.ticket, worker, failure: Failure::Terminated });
        }
    }

    /// Closed or terminated, and every worker is gone.
    pub fn finished(&self) -> bool {
        self.closing && self.workers.is_empty() && self.queue.is_empty()
    }

    /// Workers that would not leave by themselves once we are gone (their channel
    /// closed): running a job, or already asked to leave and still there.
    pub fn busy_or_stopping(&self) -> Vec<WorkerId> {
        self.workers.iter().filter(|w| w.is_busy() || w.cut || w.phase == Phase::Stopping).map(|w| w.id).collect()
    }

    /// Whether the pool should keep the process alive: it has work, or it is
    /// closing and workers remain (so `close()`/`terminate()` can finish).
    pub fn wants_ref(&self) -> bool {
        !self.queue.is_empty()
            || self.workers.iter().any(|w| !w.held.is_empty())
            || (self.closing && !self.workers.is_empty())
    }

    /// When [`Pool::tick`] has something to do, if ever.
    pub fn next_deadline(&self) -> Option<u64> {
        let mut next: Option<u64> = None;
        let mut at = |t: u64| next = Some(next.map_or(t, |n| n.min(t)));
        for w in &self.workers {
            if let (Some(limit), true) = (self.cfg.task_timeout, w.is_busy()) {
                at(w.head_started + limit);
            }
            if let (Some(limit), true) = (self.cfg.idle_timeout, w.is_idle() && self.live() > self.cfg.min) {
                at(w.idle_since + limit);
            }
            if let Some((t, _)) = w.escalate {
                at(t);
            }
        }
        next
    }
}
