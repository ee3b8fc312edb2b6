//! procbox as a child subreaper (`--contain`): orphaned descendants are re-parented
//! to us instead of init, so we must reap them (or `<defunct>` entries pile up) and
//! can report them; and at exit, what is left of the tree is ended.
//!
//! Adopted orphans are told apart from our own children with `waitid(P_ALL, …,
//! WNOWAIT)`: it shows the next ended child without reaping it. One of ours is left
//! for the child-process layer (its `waitpid(pid)`), anything else is an orphan and
//! is reaped here, after its command name was read (a zombie still has one).

use std::os::fd::{AsFd, OwnedFd};
use std::time::{Duration, Instant};

use super::reap::Status;
use super::tree;
use crate::sys::errno::SysResult;
use crate::sys::process;

/// An adopted orphan that ended.
#[derive(Clone, Debug, PartialEq)]
pub struct Orphan {
    pub pid: i32,
    pub command: String,
    pub status: Status,
}

/// Makes this process a child subreaper.
pub fn become_subreaper() -> SysResult<()> {
    crate::sys::task::become_subreaper()
}

/// Reaps every ended child that `ours` does not claim; stops at the first one it
/// claims (its own `waitpid` takes it, and its SIGCHLD brings us back here).
pub fn reap_adopted(ours: impl Fn(i32) -> bool) -> Vec<Orphan> {
    let mut out = Vec::new();
    while let Some(pid) = process::peek_ended() {
        if ours(pid) {
            break;
        }
        let command = tree::comm(pid).unwrap_or_default();
        let Ok((r, w)) = process::waitpid(pid, libc::WNOHANG) else { break };
        if r != pid {
            break;
        }
        out.push(Orphan { pid, command, status: Status::from_raw(w) });
    }
    out
}

pub use crate::sys::process::pidfd_open as pidfd;

/// Sends `signo` through a pidfd: never to a process that merely reuses the pid.
pub fn pidfd_signal(fd: &OwnedFd, signo: i32) -> SysResult<()> {
    process::pidfd_send_signal(fd.as_fd(), signo)
}

/// Ends every live descendant of ours: SIGTERM to each group in `groups` (leaders
/// not reaped yet, so the ids are ours) and to each descendant through a pidfd,
/// then, after `grace` while any is left, SIGKILL. Reaps what ends meanwhile.
/// Returns how many got SIGKILL.
pub fn terminate_all(groups: &[i32], grace: Duration) -> usize {
    let me = std::process::id() as i32;
    let signal_all = |signo: i32| -> Vec<OwnedFd> {
        for &g in groups {
            // A group whose leader we have not reaped: the id is still ours.
            let _ = process::kill(-g, signo);
        }
        let fds: Vec<OwnedFd> = tree::live_descendants(me).into_iter().filter_map(pidfd).collect();
        for fd in &fds {
            let _ = pidfd_signal(fd, signo);
        }
        fds
    };
    let reap_all = || {
        // At exit every ended child is ours to reap, adopted or not.
        while process::waitpid(-1, libc::WNOHANG).is_ok_and(|(r, _)| r > 0) {}
    };
    let fds = signal_all(libc::SIGTERM);
    if fds.is_empty() {
        reap_all();
        return 0;
    }
    let deadline = Instant::now() + grace;
    loop {
        reap_all();
        if tree::live_descendants(me).is_empty() {
            return 0;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        // At most 50 ms at a time, so late descendants (forked meanwhile) are seen.
        wait_any(&fds, left.as_millis().min(50) as i32);
    }
    let fds = signal_all(libc::SIGKILL);
    let deadline = Instant::now() + Duration::from_secs(1);
    while !tree::live_descendants(me).is_empty() && Instant::now() < deadline {
        reap_all();
        wait_any(&fds, 10);
    }
    reap_all();
    fds.len()
}

/// Waits until one of the pidfds is readable (its process ended), at most `ms`.
fn wait_any(fds: &[OwnedFd], ms: i32) {
    let polls: Vec<_> = fds.iter().map(|f| (f.as_fd(), process::PollFlags::POLLIN)).collect();
    let _ = process::wait_ready(&polls, ms);
}
