//! The pool's policy knobs, in the core's units (microseconds), with their defaults.

/// How a pool behaves; every limit is enforced by [`super::Pool`].
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Workers kept alive even with nothing to do (refilled after a loss).
    pub min: usize,
    /// Workers alive at once, at most (starting ones included, leaving ones not).
    pub max: usize,
    /// Jobs allowed to wait for a worker; `None` is unbounded.
    pub max_queue: Option<usize>,
    /// A job running longer fails and its worker is killed.
    pub task_timeout: Option<u64>,
    /// A worker leaves after this many jobs and is replaced when there is work.
    pub max_tasks_per_worker: Option<u64>,
    /// An idle worker above `min` leaves after this long.
    pub idle_timeout: Option<u64>,
    /// Between asking a worker to leave and SIGTERM, and between SIGTERM and SIGKILL.
    pub kill_grace: u64,
    /// Jobs in flight at once on a worker that tags its replies (1: no prefetch).
    pub pipeline: usize,
    /// A job is sent ahead only while the estimated run time of the jobs it would
    /// wait behind stays under this (µs; [`PREFETCH_BUDGET`] unless set).
    pub pipeline_budget: u64,
    /// Times a job whose worker died during it is run again before it fails
    /// (0: it fails at once; a job is never re-run silently).
    pub retries: u32,
}

/// A prefetched job waits behind the ones already sent; keep that wait under this
/// much estimated run time, so only short jobs are ever pipelined (the default of
/// `pipelineBudget`).
pub const PREFETCH_BUDGET: u64 = 2_000;

/// Jobs in flight on one `worker()` worker at most (the default of `pipeline`): the
/// budget above keeps all but short jobs from queuing behind each other, and for
/// short ones a deeper pipeline means fewer reads, writes and wake-ups per job on
/// both sides (2 000 tiny jobs: 4 deep, 2 900 task switches among the three
/// processes; 16 deep, 850).
pub const PIPELINE: usize = 16;

/// Workers dying before they ever take a job, in a row, after which the pool stops
/// starting new ones and fails what waits (the worker script itself is broken).
pub const MAX_STRIKES: u32 = 3;

impl Config {
    pub fn with_max(max: usize) -> Config {
        Config {
            min: 0,
            max: max.max(1),
            max_queue: None,
            task_timeout: None,
            max_tasks_per_worker: None,
            idle_timeout: None,
            kill_grace: 1_000_000,
            pipeline: PIPELINE,
            pipeline_budget: PREFETCH_BUDGET,
            retries: 0,
        }
    }
}

/// CPUs this process may run on (its affinity mask), at least 1.
pub fn cpus() -> usize {
    match crate::sys::host::affinity_cpus() {
        Some(n) => n.max(1),
        None => std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
    }
}
