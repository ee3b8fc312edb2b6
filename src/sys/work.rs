//! libuv's threadpool, small: blocking work (file I/O) runs on up to [`THREADS`]
//! worker threads and its result comes back to the loop thread through an eventfd the
//! poller watches. It knows nothing of Rhai: a job is a `Send` closure returning
//! `Box<dyn Any + Send>`, identified by the number [`WorkQueue::submit`] returned; the
//! loop side matches finished numbers to its own continuations.

use std::any::Any;
use std::collections::VecDeque;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::sync::{Arc, Condvar, Mutex};

use crate::sys::errno::SysResult;

/// libuv's default `UV_THREADPOOL_SIZE`.
pub const THREADS: usize = 4;

pub type Output = Box<dyn Any + Send>;
type Job = Box<dyn FnOnce() -> Output + Send>;

struct Shared {
    jobs: Mutex<VecDeque<(u64, Job)>>,
    ready: Condvar,
    done: Mutex<Vec<(u64, Output)>>,
    /// The eventfd written after each finished job; closed with the last reference
    /// (the workers hold one each), so a worker never writes to a reused number.
    wake: OwnedFd,
}

pub struct WorkQueue {
    shared: Arc<Shared>,
    next: u64,
    threads: usize,
}

thread_local! {
    /// Jobs submitted from this thread whose results it has not taken yet.
    static IN_FLIGHT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Whether a job submitted from this (the loop's) thread has not come back yet. When it
/// says no, no result is waiting: a queue's eventfd may still be readable (a worker's
/// write after the loop took its result), but reading it delivers nothing. The loop
/// skips a poll that could not block while every watched descriptor says so
/// (`io::Reactor::mirror`).
pub fn in_flight() -> bool {
    IN_FLIGHT.with(|n| n.get() > 0)
}

impl WorkQueue {
    pub fn new() -> SysResult<WorkQueue> {
        use nix::sys::eventfd::{EfdFlags, EventFd};
        let fd = OwnedFd::from(EventFd::from_flags(EfdFlags::EFD_CLOEXEC | EfdFlags::EFD_NONBLOCK)?);
        let shared = Arc::new(Shared {
            jobs: Mutex::new(VecDeque::new()),
            ready: Condvar::new(),
            done: Mutex::new(Vec::new()),
            wake: fd,
        });
        Ok(WorkQueue { shared, next: 1, threads: 0 })
    }

    /// The descriptor that becomes readable when work has finished.
    pub fn fd(&self) -> BorrowedFd<'_> {
        self.shared.wake.as_fd()
    }

    /// Queues `job`; a worker is started if fewer than [`THREADS`] run.
    pub fn submit(&mut self, job: impl FnOnce() -> Output + Send + 'static) -> u64 {
        let id = self.next;
        self.next += 1;
        IN_FLIGHT.with(|n| n.set(n.get() + 1));
        let waiting = {
            let mut q = self.shared.jobs.lock().unwrap_or_else(|e| e.into_inner());
            q.push_back((id, Box::new(job)));
            q.len()
        };
        if self.threads < THREADS && waiting > 0 {
            let shared = self.shared.clone();
            if std::thread::Builder::new().name("procbox-fs".into()).spawn(move || worker(shared)).is_ok() {
                self.threads += 1;
            }
        }
        self.shared.ready.notify_one();
        id
    }

    /// Everything finished since the last call, in completion order.
    pub fn take_done(&self) -> Vec<(u64, Output)> {
        // Resets the counter of our own non-blocking eventfd (EAGAIN when it is 0).
        let _ = nix::unistd::read(self.fd(), &mut [0u8; 8]);
        let done = std::mem::take(&mut *self.shared.done.lock().unwrap_or_else(|e| e.into_inner()));
        IN_FLIGHT.with(|n| n.set(n.get().saturating_sub(done.len())));
        done
    }
}

fn worker(shared: Arc<Shared>) {
    // Signals for the process go to the script's thread.
    crate::sys::process::block_async_signals_in_this_thread();
    loop {
        let (id, job) = {
            let mut q = shared.jobs.lock().unwrap_or_else(|e| e.into_inner());
            loop {
                if let Some(j) = q.pop_front() {
                    break j;
                }
                q = shared.ready.wait(q).unwrap_or_else(|e| e.into_inner());
            }
        };
        let out = job();
        shared.done.lock().unwrap_or_else(|e| e.into_inner()).push((id, out));
        // The eventfd is open while `shared` is; a full counter (EAGAIN) still wakes.
        let _ = nix::unistd::write(&shared.wake, &1u64.to_ne_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_with_their_ids() {
        let mut q = WorkQueue::new().unwrap();
        let a = q.submit(|| Box::new(1 + 1));
        let b = q.submit(|| Box::new("x".to_string()));
        let mut got = Vec::new();
        while got.len() < 2 {
            use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
            let _ = poll(&mut [PollFd::new(q.fd(), PollFlags::POLLIN)], PollTimeout::from(5000u16));
            got.extend(q.take_done());
        }
        got.sort_by_key(|(id, _)| *id);
        assert_eq!((got[0].0, got[1].0), (a, b));
        assert_eq!(*got[0].1.downcast_ref::<i32>().unwrap(), 2);
        assert!(!in_flight(), "both results taken");
    }

    #[test]
    fn a_job_is_in_flight_until_its_result_is_taken() {
        let mut q = WorkQueue::new().unwrap();
        assert!(!in_flight());
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        q.submit(move || Box::new(rx.recv().is_ok()));
        assert!(in_flight(), "submitted, not finished");
        assert!(q.take_done().is_empty());
        assert!(in_flight(), "nothing taken yet");
        tx.send(()).unwrap();
        while in_flight() {
            use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
            let _ = poll(&mut [PollFd::new(q.fd(), PollFlags::POLLIN)], PollTimeout::from(5000u16));
            q.take_done();
        }
    }
}
