//! The golden suite is `procbox test --node tests/cases scripts`: the command users
//! get is the one the project trusts. This file only maps libtest's command line onto
//! it, so `cargo test --test golden -- FILTER`, `--exact`, `--skip`, `--list` and
//! `--test-threads` keep working, and `UPDATE_GOLDEN=1` still means `--update`.
//!
//! What a case is, the wildcards and the files beside a script: `procbox test --help`
//! and src/testcmd/case.rs. Without node the twins are reported as skipped, with the
//! reason, and counted apart in the closing line `N passed, N failed, N skipped`.

use std::process::{Command, ExitCode};
use std::sync::mpsc::{RecvTimeoutError, channel};
use std::time::Duration;

const EXE: &str = env!("CARGO_BIN_EXE_procbox");

/// Each case has its own timeout; this bounds the run if `procbox test` itself hangs.
const DEADLINE: Duration = Duration::from_secs(30 * 60);

/// libtest options that take a value and mean nothing here.
const IGNORED_WITH_VALUE: &[&str] = &["--color", "--format", "--logfile", "-Z", "--shuffle-seed", "--report-time"];

fn main() -> ExitCode {
    let root = env!("CARGO_MANIFEST_DIR");
    let mut args: Vec<String> = vec!["test".into(), "tests/cases".into(), "scripts".into(), "--node".into()];
    // The machine running the suite may be busy: a slow case is not a hung one.
    args.extend(["--timeout".into(), "30000".into()]);
    // Most cases wait on timers and children, not the CPU.
    let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let mut jobs = cpus.max(4).to_string();
    let (mut list, mut only_ignored) = (false, false);
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = || inline.clone().or_else(|| it.next()).unwrap_or_default();
        match flag.as_str() {
            "--list" => list = true,
            "--exact" => args.push("--exact".into()),
            "--skip" => args.extend(["--skip".into(), value()]),
            "--test-threads" => jobs = value(),
            "--ignored" => only_ignored = true,
            f if IGNORED_WITH_VALUE.contains(&f) => drop(value()),
            f if f.starts_with('-') => {} // --nocapture, --include-ignored, -q, …
            _ => args.extend(["--filter".into(), arg]),
        }
    }
    if only_ignored {
        // No golden case is ignored.
        if !list {
            println!("0 passed, 0 failed, 0 skipped");
        }
        return ExitCode::SUCCESS;
    }
    if list {
        args.push("--list".into());
        let out = Command::new(EXE).args(&args).current_dir(root).output().expect("run procbox test --list");
        let names = String::from_utf8_lossy(&out.stdout);
        names.lines().for_each(|n| println!("{n}: test"));
        if !out.status.success() {
            eprint!("{}", String::from_utf8_lossy(&out.stderr));
            return ExitCode::FAILURE;
        }
        return ExitCode::SUCCESS;
    }
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        args.push("--update".into());
    }
    args.extend(["--jobs".into(), jobs]);
    let mut child = Command::new(EXE).args(&args).current_dir(root).spawn().expect("start procbox test");
    let pid = child.id();
    let (tx, rx) = channel();
    std::thread::spawn(move || tx.send(child.wait()));
    match rx.recv_timeout(DEADLINE) {
        Ok(Ok(status)) if status.success() => ExitCode::SUCCESS,
        Ok(Ok(status)) => ExitCode::from(status.code().unwrap_or(1).clamp(1, 255) as u8),
        Ok(Err(e)) => panic!("waiting for procbox test: {e}"),
        Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => {
            // SAFETY: kill(2) on our own child, which has not been reaped (the waiting
            // thread is still blocked in wait).
            unsafe { libc::kill(pid as i32, libc::SIGKILL) };
            panic!("procbox test did not finish within {DEADLINE:?}");
        }
    }
}
