//! What `pool.stats()` reports: worker counts by state, job counters, and mean run
//! and wait times.

/// A snapshot of a pool (times in microseconds).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stats {
    /// Workers alive and not leaving: starting + busy + idle.
    pub workers: usize,
    pub starting: usize,
    pub busy: usize,
    pub idle: usize,
    /// Workers asked to leave (recycled, idle, timed out, closing) not yet gone.
    pub stopping: usize,
    /// Jobs accepted and not started (in the queue or prefetched by a worker).
    pub queued: usize,
    pub running: usize,
    pub completed: u64,
    pub failed: u64,
    /// Jobs refused: queue full, or the pool closed.
    pub refused: u64,
    /// Workers started to replace one that crashed, timed out or was recycled.
    pub respawned: u64,
    /// Runs of a job again after its worker died during it (`retries`).
    pub retried: u64,
    pub run_total: u64,
    pub run_count: u64,
    pub wait_total: u64,
    pub wait_count: u64,
}

impl Stats {
    pub fn mean_run(&self) -> f64 {
        mean(self.run_total, self.run_count)
    }

    pub fn mean_wait(&self) -> f64 {
        mean(self.wait_total, self.wait_count)
    }
}

fn mean(total: u64, count: u64) -> f64 {
    if count == 0 { 0.0 } else { total as f64 / count as f64 }
}
