//! libuv's threadpool, small: blocking work (file I/O) runs on up to [`THREADS`]
//! worker threads and its result comes back to the loop thread through an eventfd the
//! poller watches. It knows nothing of Rhai: a job is a `Send` closure returning
//! `Box<dyn Any + Send>`, identified by the number [`WorkQueue::submit`] returned; the
//! loop side matches finished numbers to its own continuations.

use std::any::Any;
use std::collections::VecDeque;
use std::io;
use std::os::fd::RawFd;
use std::sync::{Arc, Condvar, Mutex};

/// libuv's default `UV_THREADPOOL_SIZE`.
pub const THREADS: usize = 4;

pub type Output = Box<dyn Any + Send>;
type Job = Box<dyn FnOnce() -> Output + Send>;

struct Shared {
    jobs: Mutex<VecDeque<(u64, Job)>>,
    ready: Condvar,
    done: Mutex<Vec<(u64, Output)>>,
    /// The eventfd written after each finished job. Never closed: a worker may still
    /// write to it, and a closed number could be reused by another descriptor.
    wake: RawFd,
}

pub struct WorkQueue {
    shared: Arc<Shared>,
    next: u64,
    threads: usize,
}

impl WorkQueue {
    pub fn new() -> io::Result<WorkQueue> {
        // SAFETY: eventfd returns a new descriptor or -1.
        let fd = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        let shared = Arc::new(Shared {
            jobs: Mutex::new(VecDeque::new()),
            ready: Condvar::new(),
            done: Mutex::new(Vec::new()),
            wake: fd,
        });
        Ok(WorkQueue { shared, next: 1, threads: 0 })
    }

    /// The descriptor that becomes readable when work has finished.
    pub fn fd(&self) -> RawFd {
        self.shared.wake
    }

    /// Queues `job`; a worker is started if fewer than [`THREADS`] run.
    pub fn submit(&mut self, job: impl FnOnce() -> Output + Send + 'static) -> u64 {
        let id = self.next;
        self.next += 1;
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
        let mut n = 0u64;
        // SAFETY: reading the 8-byte counter of our own non-blocking eventfd.
        unsafe { libc::read(self.fd(), (&mut n as *mut u64).cast(), 8) };
        std::mem::take(&mut *self.shared.done.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

fn worker(shared: Arc<Shared>) {
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
        let one = 1u64;
        // SAFETY: writing 8 bytes to the eventfd; it lives as long as the process
        // runs a loop, and a write to a closed descriptor only fails.
        unsafe { libc::write(shared.wake, (&one as *const u64).cast(), 8) };
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
            let mut pfd = libc::pollfd { fd: q.fd(), events: libc::POLLIN, revents: 0 };
            // SAFETY: polling one live descriptor through a local pollfd.
            unsafe { libc::poll(&mut pfd, 1, 5000) };
            got.extend(q.take_done());
        }
        got.sort_by_key(|(id, _)| *id);
        assert_eq!((got[0].0, got[1].0), (a, b));
        assert_eq!(*got[0].1.downcast_ref::<i32>().unwrap(), 2);
    }
}
