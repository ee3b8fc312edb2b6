//! `spawnSync` and its friends: start a child, feed it `input`, collect its pipes and
//! wait for it, all in a private `poll(2)` loop that blocks procbox (as Node's does).
//!
//! Exit is watched through a pidfd, so the loop needs neither SIGCHLD nor a busy
//! wait, and it reaps only its own child: the event loop's children stay untouched
//! (zombies included) until the loop runs again. A timeout or an output over
//! `max_buffer` kills the child with `kill_signal`, closes the pipes and waits, then
//! reports ETIMEDOUT or ENOBUFS as Node does.

use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use super::reap::{Status, try_wait, wait};
use super::{Command, spawn};
use crate::sys::errno::Errno;
use crate::sys::fd::{Read, read_into, write_some};
use crate::sys::process::{self, PollFlags, pidfd_open};

/// Reads grow the output by this much at a time.
const CHUNK: usize = 64 * 1024;

pub struct SyncOptions {
    pub input: Option<Vec<u8>>,
    pub timeout: Option<Duration>,
    pub kill_signal: i32,
    /// Per stream; `None` is unlimited.
    pub max_buffer: Option<usize>,
}

#[derive(Debug)]
pub struct SyncOutput {
    /// 0 when the child never started.
    pub pid: i32,
    pub status: Option<Status>,
    /// Per stdio index: what the child wrote to a pipe (`None` for index 0 and for
    /// anything not a pipe).
    pub output: Vec<Option<Vec<u8>>>,
    /// The spawn failure, or ETIMEDOUT, or ENOBUFS.
    pub error: Option<Errno>,
}

/// Runs `cmd` to completion.
pub fn run(cmd: &Command, opts: &SyncOptions) -> SyncOutput {
    let start = Instant::now();
    let sp = match spawn(cmd) {
        Ok(sp) => sp,
        Err(e) => return SyncOutput { pid: 0, status: None, output: Vec::new(), error: Some(e) },
    };
    let pid = sp.pid;
    let pidfd = pidfd_open(pid);
    let mut fds = sp.fds;
    let mut output: Vec<Option<Vec<u8>>> =
        fds.iter().enumerate().map(|(i, f)| (i > 0 && f.is_some()).then(Vec::new)).collect();
    let input = opts.input.as_deref().unwrap_or_default();
    let mut written = 0;
    if input.is_empty() {
        // No input: the child sees EOF on its stdin at once.
        if let Some(f) = fds.get_mut(0) {
            *f = None;
        }
    }
    let mut status = None;
    let mut error = None;
    let deadline = opts.timeout.map(|t| start + t);

    loop {
        let mut polls = Vec::new();
        let mut which: Vec<usize> = Vec::new();
        for (i, f) in fds.iter().enumerate() {
            if let Some(f) = f {
                polls.push((f.as_fd(), if i == 0 { PollFlags::POLLOUT } else { PollFlags::POLLIN }));
                which.push(i);
            }
        }
        if polls.is_empty() && status.is_some() {
            break;
        }
        if status.is_none()
            && let Some(p) = &pidfd
        {
            polls.push((p.as_fd(), PollFlags::POLLIN));
        }
        let mut timeout = deadline
            .map(|d| d.saturating_duration_since(Instant::now()).as_millis().min(i32::MAX as u128) as i32)
            .unwrap_or(-1);
        if pidfd.is_none() && status.is_none() {
            // No pidfd (old kernel): look again every few milliseconds.
            timeout = if timeout < 0 { 5 } else { timeout.min(5) };
        }
        let Some(ready) = process::wait_ready(&polls, timeout) else { continue };
        let pidfd_ready = polls.len() > which.len() && ready.last().copied().unwrap_or(false);
        drop(polls);
        if deadline.is_some_and(|d| Instant::now() >= d) && (status.is_none() || !which.is_empty()) {
            error = Some(Errno::ETIMEDOUT);
            break;
        }
        for (k, &i) in which.iter().enumerate() {
            if !ready.get(k).copied().unwrap_or(false) {
                continue;
            }
            let Some(fd) = fds[i].as_ref().map(|f| f.as_fd()) else { continue };
            if i == 0 {
                match write_some(fd, &input[written..]) {
                    Ok(w) => written += w,
                    Err(_) => written = input.len(),
                }
                if written == input.len() {
                    fds[0] = None;
                }
                continue;
            }
            let out = output[i].get_or_insert_with(Vec::new);
            out.reserve(CHUNK);
            match read_into(fd, out) {
                Read::Data(_) | Read::WouldBlock => {}
                // A read error ends the pipe as EOF does (`ECONNRESET` on a socketpair).
                Read::Eof | Read::Failed(_) => fds[i] = None,
            }
            if opts.max_buffer.is_some_and(|m| out.len() > m) {
                error = Some(Errno::ENOBUFS);
            }
        }
        if error.is_some() {
            break;
        }
        if status.is_none() && (pidfd.is_none() || pidfd_ready) {
            status = try_wait(pid);
        }
    }
    if error.is_some() {
        if status.is_none() {
            // With killTree the child leads its group: end the whole of it.
            let target = if cmd.contain.kill_tree { -pid } else { pid };
            // Our unreaped child (or the group it leads): the id is still ours.
            let _ = process::kill(target, opts.kill_signal);
        }
        fds.clear();
    }
    let status = status.or_else(|| Some(wait(pid)));
    SyncOutput { pid, status, output, error }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::child::Stdio;

    fn opts() -> SyncOptions {
        SyncOptions { input: None, timeout: None, kill_signal: libc::SIGTERM, max_buffer: None }
    }

    #[test]
    fn collects_both_pipes_and_status() {
        let c = Command::new("sh", &["-c", "echo out; echo err >&2; exit 3"]);
        let r = run(&c, &opts());
        assert_eq!(r.status, Some(Status::Exited(3)));
        assert_eq!(r.output[1].as_deref(), Some(&b"out\n"[..]));
        assert_eq!(r.output[2].as_deref(), Some(&b"err\n"[..]));
        assert!(r.output[0].is_none() && r.error.is_none() && r.pid > 0);
    }

    #[test]
    fn feeds_input_larger_than_a_pipe() {
        let c = Command::new("cat", &[]);
        let data = vec![b'x'; 1 << 20];
        let r = run(&c, &SyncOptions { input: Some(data.clone()), ..opts() });
        assert_eq!(r.output[1].as_deref(), Some(&data[..]));
    }

    #[test]
    fn timeout_kills_and_reports_etimedout() {
        let c = Command::new("sleep", &["5"]);
        let t = Instant::now();
        let r = run(&c, &SyncOptions { timeout: Some(Duration::from_millis(100)), ..opts() });
        assert!(t.elapsed() < Duration::from_secs(3));
        assert_eq!((r.error, r.status), (Some(Errno::ETIMEDOUT), Some(Status::Signaled(libc::SIGTERM))));
    }

    #[test]
    fn max_buffer_is_enobufs() {
        let mut c = Command::new("sh", &["-c", "head -c 100000 /dev/zero; exec sleep 5"]);
        c.stdio = vec![Stdio::Ignore, Stdio::Pipe, Stdio::Pipe];
        let r = run(&c, &SyncOptions { max_buffer: Some(1000), ..opts() });
        assert_eq!(r.error, Some(Errno::ENOBUFS));
        assert_eq!(r.status, Some(Status::Signaled(libc::SIGTERM)));
    }

    #[test]
    fn spawn_failure_has_pid_zero() {
        let r = run(&Command::new("no-such-command-xyz", &[]), &opts());
        assert_eq!((r.pid, r.error, r.status), (0, Some(Errno::ENOENT), None));
    }
}
