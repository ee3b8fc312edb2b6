//! The caller's side of a pool across machines (jobs on a Redis Stream, results on
//! a per-caller reply stream), without I/O: which jobs are outstanding, settling each
//! exactly once, retrying a failed job up to `max_retries` times, and counting what
//! arrives late (a duplicate from a job delivered twice, or a result after its
//! timeout). The binding (`api::pool::remote`) does the Redis commands and timers.
//!
//! Delivery through the stream is at least once (a job whose worker died is claimed
//! by another worker), so the same job can be answered twice: the first answer
//! settles it, the rest are dropped and counted.

use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

/// What an answer from a worker means for the caller.
#[derive(Debug, PartialEq)]
pub enum Decision<T> {
    /// The job is settled with this answer (`ok` is false for an error).
    Settle { ticket: T, ok: bool },
    /// The job failed and has retries left: send it again (`attempt` counts from 1).
    Retry { body: Rc<str>, attempt: u32 },
    /// A progress report of an outstanding job.
    Progress,
    /// Nobody waits for it any more (already settled): dropped, counted.
    Dropped,
}

/// Why a job was not accepted.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    QueueFull,
    Closed,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct RemoteStats {
    pub submitted: u64,
    pub completed: u64,
    pub failed: u64,
    pub retried: u64,
    pub refused: u64,
    /// Answers for jobs already settled (at-least-once delivery, or after a timeout).
    pub duplicates: u64,
    /// Results and errors by worker (consumer name), duplicates included.
    pub per_worker: BTreeMap<String, u64>,
}

struct Entry<T> {
    ticket: T,
    body: Rc<str>,
    attempt: u32,
}

pub struct Ledger<T> {
    prefix: String,
    seq: u64,
    jobs: HashMap<String, Entry<T>>,
    max_queue: Option<usize>,
    max_retries: u32,
    closed: bool,
    stats: RemoteStats,
}

impl<T> Ledger<T> {
    /// `prefix` makes job ids unique across callers (host, pid, start time).
    pub fn new(prefix: String, max_queue: Option<usize>, max_retries: u32) -> Self {
        Ledger {
            prefix,
            seq: 0,
            jobs: HashMap::new(),
            max_queue,
            max_retries,
            closed: false,
            stats: RemoteStats::default(),
        }
    }

    /// Accepts a job: its id (to send with it), or the refusal and the ticket back.
    pub fn submit(&mut self, body: Rc<str>, ticket: T) -> Result<String, (Refused, T)> {
        if self.closed {
            self.stats.refused += 1;
            return Err((Refused::Closed, ticket));
        }
        if self.max_queue.is_some_and(|n| self.jobs.len() >= n) {
            self.stats.refused += 1;
            return Err((Refused::QueueFull, ticket));
        }
        self.seq += 1;
        let id = format!("{}:{}", self.prefix, self.seq);
        self.jobs.insert(id.clone(), Entry { ticket, body, attempt: 1 });
        self.stats.submitted += 1;
        Ok(id)
    }

    /// An answer arrived: `kind` is `result`, `error` or `progress`.
    pub fn answer(&mut self, id: &str, kind: &str, worker: &str) -> Decision<T> {
        if kind == "progress" {
            return if self.jobs.contains_key(id) { Decision::Progress } else { Decision::Dropped };
        }
        *self.stats.per_worker.entry(worker.to_string()).or_default() += 1;
        let ok = kind == "result";
        if !ok
            && let Some(e) = self.jobs.get_mut(id)
            && e.attempt <= self.max_retries
        {
            e.attempt += 1;
            self.stats.retried += 1;
            return Decision::Retry { body: e.body.clone(), attempt: e.attempt };
        }
        match self.jobs.remove(id) {
            Some(e) => {
                if ok {
                    self.stats.completed += 1;
                } else {
                    self.stats.failed += 1;
                }
                Decision::Settle { ticket: e.ticket, ok }
            }
            None => {
                self.stats.duplicates += 1;
                Decision::Dropped
            }
        }
    }

    pub fn ticket(&self, id: &str) -> Option<&T> {
        self.jobs.get(id).map(|e| &e.ticket)
    }

    /// The job's time is up: it fails now; a later answer is a duplicate.
    pub fn expire(&mut self, id: &str) -> Option<T> {
        let e = self.jobs.remove(id)?;
        self.stats.failed += 1;
        Some(e.ticket)
    }

    /// No new jobs from now on (`close()`); the outstanding ones still settle.
    pub fn close(&mut self) {
        self.closed = true;
    }

    /// `terminate()`: every outstanding job, to be failed.
    pub fn terminate(&mut self) -> Vec<T> {
        self.closed = true;
        let out: Vec<T> = self.jobs.drain().map(|(_, e)| e.ticket).collect();
        self.stats.failed += out.len() as u64;
        out
    }

    pub fn outstanding(&self) -> usize {
        self.jobs.len()
    }

    pub fn is_closed(&self) -> bool {
        self.closed
    }

    pub fn stats(&self) -> &RemoteStats {
        &self.stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ledger(max_retries: u32) -> Ledger<u32> {
        Ledger::new("c".into(), Some(2), max_retries)
    }

    #[test]
    fn each_job_settles_once_and_duplicates_are_counted() {
        let mut l = ledger(0);
        let a = l.submit("1".into(), 10).unwrap();
        assert_eq!(a, "c:1");
        assert_eq!(l.answer(&a, "progress", "w1"), Decision::Progress);
        assert_eq!(l.answer(&a, "result", "w1"), Decision::Settle { ticket: 10, ok: true });
        assert_eq!(l.answer(&a, "result", "w2"), Decision::Dropped);
        assert_eq!(l.answer(&a, "progress", "w2"), Decision::Dropped);
        let s = l.stats();
        assert_eq!((s.completed, s.duplicates), (1, 1));
        assert_eq!(s.per_worker.get("w2"), Some(&1));
    }

    #[test]
    fn errors_retry_then_fail_once_with_the_last_error() {
        let mut l = ledger(2);
        let a = l.submit("job".into(), 1).unwrap();
        assert_eq!(l.answer(&a, "error", "w"), Decision::Retry { body: "job".into(), attempt: 2 });
        assert_eq!(l.answer(&a, "error", "w"), Decision::Retry { body: "job".into(), attempt: 3 });
        assert_eq!(l.answer(&a, "error", "w"), Decision::Settle { ticket: 1, ok: false });
        assert_eq!((l.stats().retried, l.stats().failed), (2, 1));
    }

    #[test]
    fn bounded_closed_expired_and_terminated() {
        let mut l = ledger(0);
        let a = l.submit("1".into(), 1).unwrap();
        l.submit("2".into(), 2).unwrap();
        assert_eq!(l.submit("3".into(), 3), Err((Refused::QueueFull, 3)));
        assert_eq!(l.expire(&a), Some(1));
        assert_eq!(l.answer(&a, "result", "w"), Decision::Dropped, "a result after the timeout is late");
        l.close();
        assert_eq!(l.submit("4".into(), 4), Err((Refused::Closed, 4)));
        assert_eq!(l.terminate(), vec![2]);
        assert_eq!(l.outstanding(), 0);
    }
}
