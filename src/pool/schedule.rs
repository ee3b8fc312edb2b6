//! Matching work and workers: idle workers take the head of the queue, new workers
//! start for what waits (within `max`), and short jobs are sent ahead to busy
//! workers that tag their replies.

use super::worker::{Phase, Worker};
use super::{Action, Failure, Pool, WorkerId, config};

impl<J: Clone, T> Pool<J, T> {
    /// The idle worker to use next: the one idle for the shortest time, so the
    /// others stay idle long enough for `idle_timeout` to retire them.
    pub(super) fn pick_idle(&self) -> Option<usize> {
        let max_tasks = self.cfg.max_tasks_per_worker;
        let mut best: Option<(usize, u64)> = None;
        for (i, w) in self.workers.iter().enumerate() {
            if w.is_idle() && w.may_take(max_tasks) && best.is_none_or(|(_, t)| w.idle_since >= t) {
                best = Some((i, w.idle_since));
            }
        }
        best.map(|(i, _)| i)
    }

    /// Sends the head of the queue to worker `i`.
    pub(super) fn dispatch(&mut self, i: usize, now: u64) {
        let Some(job) = self.queue.pop_front() else { return };
        let w = &mut self.workers[i];
        let starts = w.held.is_empty();
        if starts {
            w.head_started = now;
        }
        w.dispatched += 1;
        let (worker, tagged) = (w.id, w.tagged);
        let ahead = !starts;
        self.actions.push_back(Action::Send { worker, job: job.id, payload: job.payload.clone(), tagged, ahead });
        let queued_at = job.queued_at;
        self.workers[i].held.push_back(job);
        if starts {
            self.note_wait(now, queued_at);
        }
    }

    /// Matches work and workers after anything changed. Runs after every event (twice
    /// per job): one pass over the workers counts what the policies need.
    pub(super) fn pump(&mut self, now: u64) {
        while !self.queue.is_empty() {
            let Some(i) = self.pick_idle() else { break };
            self.dispatch(i, now);
        }
        if self.closing && self.queue.is_empty() {
            let idle: Vec<WorkerId> =
                self.workers.iter().filter(|w| w.is_idle() || w.phase == Phase::Starting).map(|w| w.id).collect();
            for id in idle {
                self.stop(id, now);
            }
        }
        if self.terminated {
            return;
        }
        let (mut starting, mut live) = (0, 0);
        for w in &self.workers {
            starting += usize::from(w.phase == Phase::Starting);
            live += usize::from(w.live());
        }
        if self.strikes >= config::MAX_STRIKES {
            let serving = self.workers.iter().any(|w| w.phase == Phase::Ready);
            if starting == 0 && !serving {
                let (code, signal) = self.last_start_failure;
                for job in std::mem::take(&mut self.queue) {
                    self.stats.failed += 1;
                    let failure = Failure::StartFailed { code, signal };
                    self.actions.push_back(Action::Fail { ticket: job.ticket, worker: None, failure });
                }
            }
            return;
        }
        let mut wanted = self.queue.len().saturating_sub(starting);
        if !self.closing {
            wanted = wanted.max(self.cfg.min.saturating_sub(live));
        }
        let spawned = wanted.min(self.cfg.max.saturating_sub(live));
        for _ in 0..spawned {
            self.spawn();
        }
        // What was just spawned is starting, and live.
        if !self.queue.is_empty() && starting + spawned == 0 && live >= self.cfg.max {
            self.prefetch(now);
        }
    }

    fn spawn(&mut self) {
        let id = self.next_worker;
        self.next_worker += 1;
        if self.lost > 0 {
            self.lost -= 1;
            self.stats.respawned += 1;
        }
        self.workers.push(Worker::new(id));
        self.actions.push_back(Action::Spawn(id));
    }

    /// Every worker is busy and no more may start: send short jobs ahead to workers
    /// that tag their replies, so the next one starts without a round trip.
    fn prefetch(&mut self, now: u64) {
        let Some(est) = self.est_run else { return };
        let (depth, max_tasks, budget) = (self.cfg.pipeline, self.cfg.max_tasks_per_worker, self.cfg.pipeline_budget);
        while !self.queue.is_empty() {
            let pick = self
                .workers
                .iter()
                .enumerate()
                .filter(|(_, w)| {
                    w.is_busy()
                        && w.tagged
                        && w.held.len() < depth
                        && w.may_take(max_tasks)
                        && (w.held.len() as u64) * est.max(1) < budget
                })
                .min_by_key(|(_, w)| w.held.len())
                .map(|(i, _)| i);
            let Some(i) = pick else { break };
            self.dispatch(i, now);
        }
    }
}
