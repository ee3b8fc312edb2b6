//! Process descriptors and signals, one copy each: `pidfd_open`, `pidfd_send_signal`
//! (raw `syscall`: neither libc nor nix 0.32 wraps them), `kill`, and waiting on a set
//! of descriptors with `poll` (nix). Descriptors come in as `BorrowedFd` and go out
//! as `OwnedFd`.

use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

pub use nix::poll::PollFlags;
use nix::poll::{PollFd, PollTimeout, poll};

use super::errno::{Errno, SysResult};

/// A pidfd for `pid` (`None` once it is gone, or on a kernel without pidfds). Only as
/// safe as the pid is: open it while the pid is pinned (our unreaped child) or
/// re-check what it refers to.
pub fn pidfd_open(pid: i32) -> Option<OwnedFd> {
    // SAFETY: pidfd_open takes integers and touches no memory of ours.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    // SAFETY: a non-negative result is a new descriptor that nothing else owns (the
    // kernel makes pidfds close-on-exec).
    (fd >= 0).then(|| unsafe { OwnedFd::from_raw_fd(fd as i32) })
}

/// Sends `signo` through a pidfd: never to a process that merely reuses the pid.
pub fn pidfd_send_signal(fd: BorrowedFd<'_>, signo: i32) -> SysResult<()> {
    // SAFETY: a lent (valid) descriptor, no siginfo, no flags.
    let r = unsafe { libc::syscall(libc::SYS_pidfd_send_signal, fd.as_raw_fd(), signo, std::ptr::null::<u8>(), 0) };
    if r < 0 { Err(Errno::last()) } else { Ok(()) }
}

/// Blocks the asynchronous signals in the calling thread, for every thread but the
/// script's: a signal for the process then goes to the script's thread, so one it
/// sends itself (`process.kill(process.pid, …)`) is in the pipe when `kill` returns,
/// as in Node, where the script runs on the thread the signal lands on. (Left
/// unblocked elsewhere, the kernel may pick an idle thread, whose handler writes
/// the byte whenever that thread is scheduled: two signals sent one after the other
/// were then read in different loop turns on a loaded machine.) The faults a thread
/// causes itself stay unblocked.
pub fn block_async_signals_in_this_thread() {
    use nix::sys::signal::{SigSet, SigmaskHow, Signal, pthread_sigmask};
    let mut set = SigSet::all();
    for s in [Signal::SIGSEGV, Signal::SIGBUS, Signal::SIGFPE, Signal::SIGILL, Signal::SIGTRAP, Signal::SIGSYS] {
        set.remove(s);
    }
    // Fails only for an invalid `how`.
    let _ = pthread_sigmask(SigmaskHow::SIG_BLOCK, Some(&set), None);
}

/// `kill(2)`: `target` is a pid, or minus a process group id. The result is ignored by
/// callers that signal what may have ended meanwhile.
pub fn kill(target: i32, signo: i32) -> SysResult<()> {
    // SAFETY: kill takes integers only (nix's `kill` takes a `Signal`, which cannot
    // express signal 0 with a group target or a number nix does not name).
    if unsafe { libc::kill(target, signo) } < 0 { Err(Errno::last()) } else { Ok(()) }
}

/// Blocks until our child `pid` has ended, leaving it unreaped (`waitid` with
/// `WNOWAIT`, EINTR retried), so its pid (and group id) cannot be reused until the
/// caller reaps it. Returns early only if `pid` is not our child.
pub fn wait_ended_unreaped(pid: i32) {
    use nix::sys::wait::{Id, WaitPidFlag, waitid};
    let flags = WaitPidFlag::WEXITED | WaitPidFlag::WNOWAIT;
    // Err other than EINTR: not our child, or nix could not name the status (a
    // real-time signal killed it), which is ended all the same.
    while waitid(Id::Pid(nix::unistd::Pid::from_raw(pid)), flags) == Err(Errno::EINTR) {}
}

/// Waits at most `ms` (negative: without limit) until one of `fds` is ready for
/// `events`. Returns which ones are (their `revents` were non-zero), in `fds`'
/// order (all false after a timeout); `None` when the wait failed (EINTR).
pub fn wait_ready(fds: &[(BorrowedFd<'_>, PollFlags)], ms: i32) -> Option<Vec<bool>> {
    let mut polls: Vec<PollFd<'_>> = fds.iter().map(|&(fd, ev)| PollFd::new(fd, ev)).collect();
    let timeout = if ms < 0 { PollTimeout::NONE } else { PollTimeout::try_from(ms).unwrap_or(PollTimeout::MAX) };
    poll(&mut polls, timeout).ok()?;
    Some(polls.iter().map(|p| p.revents().is_some_and(|r| !r.is_empty())).collect())
}

/// `wait4(pid, WNOHANG)`, EINTR retried: `Ok(None)` while `pid` runs, else its raw
/// wait status and the CPU time (user + system, ms) it used.
pub fn wait4_nohang(pid: i32) -> SysResult<Option<(i32, u64)>> {
    let mut w = 0;
    loop {
        // SAFETY: a zeroed rusage is a valid out-parameter (plain integers).
        let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: wait4 only writes the two live out-parameters.
        let r = unsafe { libc::wait4(pid, &mut w, libc::WNOHANG, &mut ru) };
        if r == 0 {
            return Ok(None);
        }
        if r > 0 {
            let ms = |t: libc::timeval| t.tv_sec as u64 * 1000 + t.tv_usec as u64 / 1000;
            return Ok(Some((w, ms(ru.ru_utime) + ms(ru.ru_stime))));
        }
        match Errno::last() {
            Errno::EINTR => continue,
            e => return Err(e),
        }
    }
}

/// The next ended child, not reaped (`waitid(P_ALL, WEXITED | WNOHANG | WNOWAIT)`,
/// EINTR retried): its pid, `None` when none has ended. Raw `waitid`: nix's turns
/// the status into a `Signal`, and fails for a child a real-time signal killed.
pub fn peek_ended() -> Option<i32> {
    // SAFETY: a zeroed siginfo is a valid out-parameter for waitid.
    let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: waitid writes only `info`.
        let r = unsafe { libc::waitid(libc::P_ALL, 0, &mut info, libc::WEXITED | libc::WNOHANG | libc::WNOWAIT) };
        if r == 0 {
            // SAFETY: waitid filled `info` for a child state change (si_pid 0: none).
            let pid = unsafe { info.si_pid() };
            return (pid != 0).then_some(pid);
        }
        if Errno::last() != Errno::EINTR {
            return None;
        }
    }
}

/// `waitpid(pid, flags)` once (EINTR is the caller's): the pid reaped (0 with
/// `WNOHANG` while none ended) and its raw wait status.
pub fn waitpid(pid: i32, flags: i32) -> SysResult<(i32, i32)> {
    let mut w = 0;
    // SAFETY: waitpid writes the status into the live local `w`.
    let r = unsafe { libc::waitpid(pid, &mut w, flags) };
    if r < 0 { Err(Errno::last()) } else { Ok((r, w)) }
}

/// A raw wait status decoded: `Ok(exit code)`, or `Err(signal)` for a child a signal
/// ended (any number, real-time signals too, which nix's `WaitStatus` cannot name).
pub fn decode_status(w: i32) -> Result<i32, i32> {
    if libc::WIFSIGNALED(w) { Err(libc::WTERMSIG(w)) } else { Ok(libc::WEXITSTATUS(w)) }
}
