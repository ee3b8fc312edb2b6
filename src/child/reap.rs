//! Reaping: `waitpid(pid, WNOHANG)` for the children we started, never
//! `waitpid(-1)`, so a child some other code started (or a `spawnSync` child, which
//! its own loop waits for) is never stolen. The runtime calls [`Reaper::reap`] when
//! SIGCHLD arrives; a child that exits while the script is busy stays a zombie until
//! the loop runs again, as in Node.

use crate::sys::process;

/// How a child ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Exited(i32),
    Signaled(i32),
}

impl Status {
    pub fn from_raw(w: i32) -> Status {
        process::decode_status(w).map_or_else(Status::Signaled, Status::Exited)
    }

    pub fn code(self) -> Option<i32> {
        match self {
            Status::Exited(c) => Some(c),
            Status::Signaled(_) => None,
        }
    }

    pub fn signal(self) -> Option<i32> {
        match self {
            Status::Exited(_) => None,
            Status::Signaled(s) => Some(s),
        }
    }
}

/// `Some` once `pid` has ended (and is reaped now), `None` while it runs. A pid that
/// is not our child any more (ECHILD: someone reaped it behind our back) counts as
/// ended with status 0: waiting longer could only hang.
pub fn try_wait(pid: i32) -> Option<Status> {
    try_wait_usage(pid).map(|(s, _)| s)
}

/// [`try_wait`], with the CPU time (user + system, in ms) the child used: how a
/// SIGKILL is recognised as the CPU limit's (`crate::child::contain`).
pub fn try_wait_usage(pid: i32) -> Option<(Status, u64)> {
    match process::wait4_nohang(pid) {
        Ok(None) => None,
        Ok(Some((w, ms))) => Some((Status::from_raw(w), ms)),
        Err(_) => Some((Status::Exited(0), 0)),
    }
}

/// Blocks until `pid` ends and reaps it.
pub fn wait(pid: i32) -> Status {
    loop {
        match process::waitpid(pid, 0) {
            Ok((r, w)) if r == pid => return Status::from_raw(w),
            Err(crate::sys::errno::Errno::EINTR) => {}
            _ => return Status::Exited(0),
        }
    }
}

/// Our running children, each with the caller's data, in spawn order.
pub struct Reaper<T> {
    children: Vec<(i32, T)>,
}

impl<T> Default for Reaper<T> {
    fn default() -> Self {
        Reaper { children: Vec::new() }
    }
}

impl<T> Reaper<T> {
    pub fn add(&mut self, pid: i32, data: T) {
        self.children.push((pid, data));
    }

    pub fn is_empty(&self) -> bool {
        self.children.is_empty()
    }

    /// Whether `pid` is one of ours (the orphan reaper leaves those alone).
    pub fn contains(&self, pid: i32) -> bool {
        self.children.iter().any(|(p, _)| *p == pid)
    }

    pub fn data(&self) -> impl Iterator<Item = &T> {
        self.children.iter().map(|(_, d)| d)
    }

    /// Reaps every child that has ended, in spawn order, with its CPU time in ms.
    pub fn reap(&mut self) -> Vec<(i32, Status, u64, T)> {
        let mut done = Vec::new();
        let mut i = 0;
        while i < self.children.len() {
            match try_wait_usage(self.children[i].0) {
                Some((status, cpu)) => {
                    let (pid, data) = self.children.remove(i);
                    done.push((pid, status, cpu, data));
                }
                None => i += 1,
            }
        }
        done
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::child::{Command, Stdio, spawn};

    fn start(script: &str) -> i32 {
        let mut c = Command::new("sh", &["-c", script]);
        c.stdio = vec![Stdio::Ignore; 3];
        spawn(&c).unwrap().pid
    }

    #[test]
    fn reaps_only_what_ended() {
        let mut r = Reaper::default();
        r.add(start("exit 3"), "a");
        r.add(start("kill -TERM $$"), "b");
        let slow = start("exec sleep 5");
        r.add(slow, "c");
        let mut got = Vec::new();
        while got.len() < 2 {
            got.extend(r.reap().into_iter().map(|(_, s, _, d)| (d, s)));
            std::thread::yield_now();
        }
        got.sort_by_key(|(d, _)| *d);
        assert_eq!(got, [("a", Status::Exited(3)), ("b", Status::Signaled(libc::SIGTERM))]);
        assert!(!r.is_empty());
        // `slow` is the test's unreaped child.
        process::kill(slow, libc::SIGKILL).unwrap();
        assert_eq!(wait(slow), Status::Signaled(libc::SIGKILL));
    }
}
