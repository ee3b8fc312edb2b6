//! The process pool's scheduling core: a FIFO queue, worker states and the policies
//! (min/max workers, a bounded queue, task timeouts, recycling, idle retirement,
//! crash recovery, close and terminate). It knows nothing of Rhai, processes or the
//! event loop: the bindings (`api::pool`) report events with the time (microseconds
//! from any fixed origin) and carry out the [`Action`]s queued here.
//!
//! The seed's pool went wrong by keeping its state in per-job listeners; here every
//! job lives in exactly one place (the queue or one worker's `held` list), so a
//! worker's death fails exactly its running job, once, and puts the jobs it had only
//! prefetched back at the head of the queue in their order.

mod config;
mod ending;
pub mod remote;
mod schedule;
mod stats;
mod worker;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_crashes;

use std::collections::VecDeque;

pub use config::{Config, cpus};
pub use stats::Stats;
use worker::{Job, Phase, Worker};

pub type WorkerId = u64;
pub type JobId = u64;

/// Why a job failed without an answer from its worker.
#[derive(Clone, Debug, PartialEq)]
pub enum Failure {
    /// The worker died while running the job.
    Crashed { code: Option<i32>, signal: Option<i32> },
    /// Still running after `task_timeout`; its worker is killed.
    TimedOut,
    /// `max_queue` jobs were already waiting.
    QueueFull,
    /// Submitted after `close()` or `terminate()`.
    Closed,
    /// Queued or running when `terminate()` was called.
    Terminated,
    /// Workers keep dying before taking any job; the last one ended so.
    StartFailed { code: Option<i32>, signal: Option<i32> },
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Sig {
    Term,
    Kill,
}

/// What the bindings must do.
#[derive(Debug, PartialEq)]
pub enum Action<J, T> {
    Spawn(WorkerId),
    Send {
        worker: WorkerId,
        job: JobId,
        payload: J,
        tagged: bool,
        /// The worker already holds a job (this one is sent ahead): it has work, so
        /// the write may wait for the others of this turn.
        ahead: bool,
    },
    Fail {
        ticket: T,
        worker: Option<WorkerId>,
        failure: Failure,
    },
    /// Ask the worker to leave (close its channel): recycled, idle, or closing.
    Stop(WorkerId),
    Signal(WorkerId, Sig),
}

pub struct Pool<J, T> {
    cfg: Config,
    queue: VecDeque<Job<J, T>>,
    workers: Vec<Worker<J, T>>,
    actions: VecDeque<Action<J, T>>,
    stats: Stats,
    next_worker: WorkerId,
    next_job: JobId,
    /// Estimated run time of a job: an average that rises at once to a longer run.
    est_run: Option<u64>,
    /// Workers that died before taking any job, in a row (see [`config::MAX_STRIKES`]).
    strikes: u32,
    last_start_failure: (Option<i32>, Option<i32>),
    /// Workers lost (crash, timeout, recycling) not yet replaced.
    lost: u64,
    closing: bool,
    terminated: bool,
}

impl<J: Clone, T> Pool<J, T> {
    /// A pool; `min` workers are spawned at once.
    pub fn new(cfg: Config) -> Self {
        let mut p = Pool {
            cfg,
            queue: VecDeque::new(),
            workers: Vec::new(),
            actions: VecDeque::new(),
            stats: Stats::default(),
            next_worker: 1,
            next_job: 1,
            est_run: None,
            strikes: 0,
            last_start_failure: (None, None),
            lost: 0,
            closing: false,
            terminated: false,
        };
        p.pump(0);
        p
    }

    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// The next thing to do, in order.
    pub fn next_action(&mut self) -> Option<Action<J, T>> {
        self.actions.pop_front()
    }

    /// Accepts a job, or gives the ticket back with the reason it was refused.
    pub fn submit(&mut self, payload: J, ticket: T, now: u64) -> Result<JobId, (T, Failure)> {
        if self.closing {
            self.stats.refused += 1;
            return Err((ticket, Failure::Closed));
        }
        if let Some(max) = self.cfg.max_queue
            && self.waiting() >= max
            && self.pick_idle().is_none()
        {
            self.stats.refused += 1;
            return Err((ticket, Failure::QueueFull));
        }
        if self.strikes >= config::MAX_STRIKES {
            // Broken so far: new work earns one more attempt.
            self.strikes = config::MAX_STRIKES - 1;
        }
        let id = self.next_job;
        self.next_job += 1;
        self.queue.push_back(Job { id, payload, ticket, queued_at: now, crashes: 0 });
        self.pump(now);
        Ok(id)
    }

    /// Jobs accepted that no worker has started or is about to take: the queue and
    /// the prefetched jobs, less one per starting worker (it takes one when ready).
    fn waiting(&self) -> usize {
        let starting = self.workers.iter().filter(|w| w.phase == Phase::Starting).count();
        (self.queue.len() + self.prefetched()).saturating_sub(starting)
    }

    pub(super) fn prefetched(&self) -> usize {
        self.workers.iter().map(|w| w.held.len().saturating_sub(1)).sum()
    }

    /// The worker finished starting; `tagged` if it speaks the tagged envelope.
    pub fn ready(&mut self, worker: WorkerId, tagged: bool, now: u64) {
        let Some(w) = self.worker_mut(worker) else { return };
        match w.phase {
            Phase::Starting => {
                w.phase = Phase::Ready;
                w.tagged = tagged;
                w.idle_since = now;
                self.strikes = 0;
            }
            Phase::Ready if w.held.is_empty() => w.tagged = tagged,
            _ => {}
        }
        self.pump(now);
    }

    pub fn is_tagged(&self, worker: WorkerId) -> bool {
        self.worker(worker).is_some_and(|w| w.tagged)
    }

    /// The ticket of a job a worker holds (for progress reports).
    pub fn ticket(&self, worker: WorkerId, job: JobId) -> Option<&T> {
        self.worker(worker)?.held.iter().find(|j| j.id == job).map(|j| &j.ticket)
    }

    /// A worker answered: `job` names the job (tagged replies) or is `None` (the
    /// running job's answer). `ok` is false for an error the job threw. Returns the
    /// job's ticket, or `None` for an answer to nothing (a late or stray reply).
    pub fn complete(&mut self, worker: WorkerId, job: Option<JobId>, ok: bool, now: u64) -> Option<(JobId, T)> {
        let max_tasks = self.cfg.max_tasks_per_worker;
        let w = self.workers.iter_mut().find(|w| w.id == worker && w.phase == Phase::Ready)?;
        let pos = match job {
            Some(id) => w.held.iter().position(|j| j.id == id)?,
            None if w.held.is_empty() => return None,
            None => 0,
        };
        let done = w.held.remove(pos).expect("position is in range");
        w.completed += 1;
        let mut started = None;
        if pos == 0 {
            let run = now.saturating_sub(w.head_started);
            self.stats.run_total += run;
            self.stats.run_count += 1;
            self.est_run = Some(match self.est_run {
                Some(e) if run <= e => (7 * e + run) / 8,
                _ => run,
            });
            if let Some(next) = w.held.front() {
                w.head_started = now;
                started = Some(next.queued_at);
            }
        }
        if w.held.is_empty() {
            w.idle_since = now;
        }
        let recycle = w.held.is_empty() && max_tasks.is_some_and(|m| w.completed >= m);
        if let Some(queued_at) = started {
            self.note_wait(now, queued_at);
        }
        if ok {
            self.stats.completed += 1;
        } else {
            self.stats.failed += 1;
        }
        if recycle {
            self.lost += 1;
            self.stop(worker, now);
        }
        self.pump(now);
        Some((done.id, done.ticket))
    }

    pub(super) fn note_wait(&mut self, now: u64, queued_at: u64) {
        self.stats.wait_total += now.saturating_sub(queued_at);
        self.stats.wait_count += 1;
    }

    /// The worker is gone (exited and its channel closed).
    pub fn exited(&mut self, worker: WorkerId, code: Option<i32>, signal: Option<i32>, now: u64) {
        let Some(i) = self.workers.iter().position(|w| w.id == worker) else { return };
        let mut w = self.workers.remove(i);
        match w.phase {
            Phase::Starting => {
                self.strikes += 1;
                self.last_start_failure = (code, signal);
            }
            Phase::Ready | Phase::Stopping => {
                if let Some(mut running) = w.held.pop_front() {
                    self.lost += 1;
                    running.crashes += 1;
                    if running.crashes <= self.cfg.retries {
                        // Opted in: run it again, first, before what it had prefetched.
                        self.stats.retried += 1;
                        w.held.push_front(running);
                    } else {
                        self.stats.failed += 1;
                        let failure = Failure::Crashed { code, signal };
                        self.actions.push_back(Action::Fail { ticket: running.ticket, worker: Some(worker), failure });
                    }
                    self.requeue(w.held);
                } else if w.phase == Phase::Stopping {
                    // Asked to leave, and it did.
                } else if w.dispatched == 0 {
                    self.strikes += 1;
                    self.last_start_failure = (code, signal);
                } else {
                    self.lost += 1;
                }
            }
        }
        self.pump(now);
    }

    /// The worker's channel closed without our asking (it crashed, disconnected
    /// itself, or a write failed): nothing can reach it or come back. It gets no
    /// more jobs and is killed (if it still runs); at its exit its running job fails
    /// as a crash with the real exit status, the others go back to the queue. Until
    /// then it keeps its slot, so a crash is reported before a replacement starts.
    pub fn disconnected(&mut self, worker: WorkerId, now: u64) {
        let grace = self.cfg.kill_grace;
        let Some(w) = self.worker_mut(worker) else { return };
        if w.phase == Phase::Stopping || w.cut {
            return;
        }
        w.cut = true;
        w.escalate = Some((now + grace, Sig::Kill));
        self.actions.push_back(Action::Signal(worker, Sig::Term));
    }

    /// Puts jobs a worker had not started back at the head of the queue, in order.
    pub(super) fn requeue(&mut self, jobs: VecDeque<Job<J, T>>) {
        for job in jobs.into_iter().rev() {
            self.queue.push_front(job);
        }
    }

    pub fn stats(&self) -> Stats {
        let mut s = self.stats.clone();
        for w in &self.workers {
            match w.phase {
                _ if w.cut => s.stopping += 1,
                Phase::Starting => s.starting += 1,
                Phase::Ready if w.held.is_empty() => s.idle += 1,
                Phase::Ready => s.busy += 1,
                Phase::Stopping => s.stopping += 1,
            }
        }
        s.workers = s.starting + s.busy + s.idle;
        s.queued = self.queue.len() + self.prefetched();
        s.running = s.busy;
        s
    }

    pub(super) fn worker(&self, id: WorkerId) -> Option<&Worker<J, T>> {
        self.workers.iter().find(|w| w.id == id)
    }

    pub(super) fn worker_mut(&mut self, id: WorkerId) -> Option<&mut Worker<J, T>> {
        self.workers.iter_mut().find(|w| w.id == id)
    }

    pub(super) fn live(&self) -> usize {
        self.workers.iter().filter(|w| w.live()).count()
    }
}
