//! Issue 12 point 10: busy pool workers die with the pool's process, however it
//! ends — SIGKILL, SIGTERM or SIGINT with no listener (no code of the parent runs),
//! or a listener that exits. Each test starts `tests/pool/busy.rhai` (two workers
//! computing forever), kills it, and polls /proc until both workers are gone, with
//! a deadline.

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const EXE: &str = env!("CARGO_BIN_EXE_procbox");

// Every process a test starts is killed if it outlives a deadline: a hang fails.
#[path = "support/bounded.rs"]
mod bounded;
const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/pool");

/// Kills the workers whatever the outcome, so a failing test leaves nothing behind.
struct Reap(Vec<i32>);

impl Drop for Reap {
    fn drop(&mut self) {
        for &pid in &self.0 {
            // SAFETY: kill(2) on pids this test saw alive; at worst ESRCH.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
    }
}

/// Gone: no such process, or a zombie (dead; reparented to an init that may not
/// reap it in a container).
fn gone(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat.rsplit_once(')').is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')),
    }
}

fn workers_die_with_their_parent(signo: i32, listen: bool) {
    let mut cmd = Command::new(EXE);
    cmd.arg("busy.rhai").current_dir(DIR).stdout(Stdio::piped()).env("POOL_LISTEN", if listen { "1" } else { "0" });
    // SAFETY: between fork and exec only async-signal-safe calls (signal(2)); a
    // test runner started in the background may have SIGINT ignored, which the
    // child would inherit.
    unsafe {
        cmd.pre_exec(|| {
            libc::signal(libc::SIGINT, libc::SIG_DFL);
            Ok(())
        });
    }
    let mut parent = bounded::spawn(&mut cmd);
    let mut lines = BufReader::new(parent.stdout.take().unwrap()).lines();
    let mut reap = Reap(Vec::new());
    for line in lines.by_ref() {
        let line = line.unwrap();
        if line == "ready" {
            break;
        }
        reap.0.push(line.strip_prefix("busy ").unwrap().parse().unwrap());
    }
    assert_eq!(reap.0.len(), 2, "two busy workers");
    assert!(reap.0.iter().all(|&p| !gone(p)));
    // SAFETY: kill(2) on our own child, not yet waited for.
    unsafe { libc::kill(parent.id() as i32, signo) };
    let status = parent.wait().unwrap();
    // A deadline for a loaded machine, not a wait: the poll ends once both are gone.
    let deadline = Instant::now() + Duration::from_secs(20);
    while !reap.0.iter().all(|&p| gone(p)) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    let alive: Vec<i32> = reap.0.iter().copied().filter(|&p| !gone(p)).collect();
    assert!(alive.is_empty(), "workers {alive:?} outlived their parent (ended {status:?})");
}

#[test]
fn busy_workers_die_when_their_parent_is_sigkilled() {
    workers_die_with_their_parent(libc::SIGKILL, false);
}

#[test]
fn busy_workers_die_when_their_parent_dies_of_an_unheard_sigterm() {
    workers_die_with_their_parent(libc::SIGTERM, false);
}

#[test]
fn busy_workers_die_when_their_parent_dies_of_an_unheard_sigint() {
    workers_die_with_their_parent(libc::SIGINT, false);
}

#[test]
fn busy_workers_die_when_a_sigterm_listener_exits() {
    workers_die_with_their_parent(libc::SIGTERM, true);
}

#[test]
fn a_worker_whose_pool_is_already_gone_when_it_arms_the_lifeline_leaves_at_once() {
    // The re-check after arming: the pool's pid (the variable's value) is not our
    // parent any more, so the parent died before the lifeline could fire for it.
    use std::os::unix::process::ExitStatusExt;
    let run = |pool_pid: u32| {
        bounded::output(
            Command::new(EXE).args(["-e", "print(\"ran\")"]).env("PROCBOX_POOL_WORKER", pool_pid.to_string()),
        )
    };
    let orphan = run(std::process::id() + 1_000_000);
    assert_eq!(orphan.status.signal(), Some(libc::SIGKILL), "{orphan:?}");
    assert!(orphan.stdout.is_empty());
    let child = run(std::process::id());
    assert!(child.status.success(), "{child:?}");
    assert_eq!(String::from_utf8_lossy(&child.stdout), "ran\n");
}
