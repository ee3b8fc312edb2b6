//! Deadlines for tests on the standard harness. A process started through `spawn`
//! or `output` is watched: if it is still running after `DEADLINE` it is killed, so
//! every read of its output and every wait for it ends, and the test fails on what
//! it got instead of hanging the suite.
//!
//! The watch holds a pidfd taken before anyone can reap the child, so the kill
//! cannot reach a process that later got the same pid; the watching thread polls the
//! pidfd, which wakes it as soon as the child exits.

#![allow(dead_code)]

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

/// Generous: the machine is shared and a test may wait behind a build.
pub const DEADLINE: Duration = Duration::from_secs(60);

/// `cmd.spawn()`, with the child killed if it outlives `DEADLINE`.
pub fn spawn(cmd: &mut Command) -> Child {
    let child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    watch(child.id());
    child
}

/// `cmd.output()` (stdin /dev/null, as `Command::output` has it), with the child
/// killed if it outlives `DEADLINE`.
pub fn output(cmd: &mut Command) -> Output {
    let child = spawn(cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()));
    child.wait_with_output().expect("wait for the child")
}

/// Waits for `child` at most `limit`; past it the child is killed and reaped, and
/// `None` says the caller's test should fail (with its own words for what hung).
pub fn wait_within(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(s) = child.try_wait().expect("try_wait on our child") {
            return Some(s);
        }
        if Instant::now() > deadline {
            child.kill().ok();
            child.wait().ok();
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The output of a run that must end within `secs` seconds: killed, and the test
/// failed, otherwise. For output small enough to wait in the pipes.
pub fn output_within(cmd: &mut Command, secs: u64) -> Output {
    let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let Some(status) = wait_within(&mut child, Duration::from_secs(secs)) else {
        panic!("procbox did not end within {secs} s");
    };
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    child.stdout.take().unwrap().read_to_end(&mut stdout).unwrap();
    child.stderr.take().unwrap().read_to_end(&mut stderr).unwrap();
    Output { status, stdout, stderr }
}

fn watch(pid: u32) {
    // SAFETY: pidfd_open(2) on our own child, not yet reaped (we just spawned it).
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid as libc::pid_t, 0) } as i32;
    if fd < 0 {
        return; // A kernel without pidfds (before 5.3): no watch.
    }
    std::thread::spawn(move || {
        let until = Instant::now() + DEADLINE;
        loop {
            let left = until.saturating_duration_since(Instant::now()).as_millis() as i32;
            let mut pfd = libc::pollfd { fd, events: libc::POLLIN, revents: 0 };
            // SAFETY: poll(2) on one valid pollfd we own.
            let r = unsafe { libc::poll(&mut pfd, 1, left) };
            if r > 0 {
                break; // exited
            }
            if r == 0 {
                eprintln!("child {pid} still running after {DEADLINE:?}: killing it");
                // SAFETY: pidfd_send_signal(2) on our pidfd; it names this child only.
                unsafe { libc::syscall(libc::SYS_pidfd_send_signal, fd, libc::SIGKILL, std::ptr::null::<u8>(), 0) };
                break;
            }
            if std::io::Error::last_os_error().raw_os_error() != Some(libc::EINTR) {
                break;
            }
        }
        // SAFETY: closing the pidfd this thread owns.
        unsafe { libc::close(fd) };
    });
}
