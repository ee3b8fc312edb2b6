//! A harness for test files whose tests need a tool the machine may lack (node,
//! npm, curl, redis-server, a Landlock ABI). Such a file sets `harness = false` in Cargo.toml and lists its tests
//! in `main` with what each needs:
//!
//! ```ignore
//! fn main() -> std::process::ExitCode {
//!     needs::run(vec![needs::test("node_parent_forks_child", Need::Node, node_parent_forks_child)])
//! }
//! ```
//!
//! On libtest-mimic, which keeps libtest's command line (filters, `--exact`,
//! `--list`, `--test-threads`) and can ignore a test at run time: a test whose tool is
//! missing is reported `ignored, <why>` and counted as ignored, never `ok`. Every
//! test runs under a deadline, so one that hangs fails with its name instead of
//! hanging the suite.

#![allow(dead_code)]

use std::process::{Command, ExitCode, Stdio};
use std::sync::OnceLock;
use std::sync::mpsc::{RecvTimeoutError, channel};
use std::time::Duration;

use libtest_mimic::{Arguments, Completion, Failed, Trial};

/// Generous: the machine is shared and a test may wait behind a build.
pub const TEST_DEADLINE: Duration = Duration::from_secs(180);

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Need {
    Nothing,
    Node,
    /// node and npm (the node-ipc tests install node-ipc 9.2.1 with `npm ci`).
    Npm,
    Curl,
    /// A `redis-server` binary (`.ci/run` installs Debian's redis-tools).
    Redis,
    /// `redis-server` and node (the Redis tests whose peer is node-redis).
    RedisNode,
    /// Landlock in the kernel, at least ABI 1 (filesystem rights).
    Landlock1,
    /// Landlock ABI 4 or later (TCP bind/connect rules).
    Landlock4,
}

pub struct Test {
    name: &'static str,
    need: Need,
    body: fn(),
}

pub fn test(name: &'static str, need: Need, body: fn()) -> Test {
    Test { name, need, body }
}

/// Lists tests with their needs, each named after its function. Without libtest a
/// `#[test]` function is compiled out and never runs, so the list also checks that
/// the file has none left.
macro_rules! tests {
    ($($need:ident: $f:ident),* $(,)?) => {{
        needs::no_test_attributes(file!(), include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/", file!())));
        vec![$(needs::test(stringify!($f), needs::Need::$need, $f)),*]
    }};
}

/// Fails the run if `source` has a `#[test]` attribute: a test that would never run.
pub fn no_test_attributes(file: &str, source: &str) {
    if let Some(n) = source.lines().position(|l| l.trim() == "#[test]") {
        panic!("{file}:{}: #[test] does not run here (harness = false): list the function in main's tests![]", n + 1);
    }
}

/// What `tool --version` said, per tool.
type Found = std::sync::Mutex<Vec<(&'static str, Result<(), String>)>>;

/// Whether `tool --version` runs; the reason it does not, if not. Asked once per tool.
fn tool(name: &'static str) -> Result<(), String> {
    static FOUND: OnceLock<Found> = OnceLock::new();
    let found = FOUND.get_or_init(Default::default);
    let mut found = found.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, r)) = found.iter().find(|(n, _)| *n == name) {
        return r.clone();
    }
    let r = match Command::new(name).arg("--version").stdin(Stdio::null()).output() {
        Ok(o) if o.status.success() => Ok(()),
        Ok(o) => Err(format!("`{name} --version` failed ({})", o.status)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(format!("{name} is not installed (not on PATH)")),
        Err(e) => Err(format!("cannot run {name}: {e}")),
    };
    found.push((name, r.clone()));
    r
}

/// Whether the kernel's Landlock ABI is at least `want`.
fn landlock(want: i64) -> Result<(), String> {
    const LANDLOCK_CREATE_RULESET_VERSION: libc::c_uint = 1;
    // SAFETY: with a null attribute pointer, size 0 and the VERSION flag the call only
    // returns the ABI number (or -1); it reads and writes no memory.
    let have = unsafe {
        libc::syscall(
            libc::SYS_landlock_create_ruleset,
            std::ptr::null::<u8>(),
            0usize,
            LANDLOCK_CREATE_RULESET_VERSION,
        )
    };
    if have >= want {
        Ok(())
    } else if have < 0 {
        Err(format!("Landlock is not available in this kernel ({})", std::io::Error::last_os_error()))
    } else {
        Err(format!("needs Landlock ABI {want}, this kernel has {have}"))
    }
}

impl Need {
    /// Ok when the tools are there, else why the test cannot run.
    pub fn check(self) -> Result<(), String> {
        match self {
            Need::Nothing => Ok(()),
            Need::Node => tool("node"),
            Need::Npm => tool("node").and_then(|()| tool("npm")),
            Need::Curl => tool("curl"),
            Need::Redis => tool("redis-server"),
            Need::RedisNode => tool("redis-server").and_then(|()| tool("node")),
            Need::Landlock1 => landlock(1),
            Need::Landlock4 => landlock(4),
        }
    }
}

/// Runs the listed tests under libtest's command line; returns the exit code.
pub fn run(tests: Vec<Test>) -> ExitCode {
    let args = Arguments::from_args();
    let trials = tests
        .into_iter()
        .map(|t| {
            Trial::ignorable_test(t.name, move || {
                if let Err(why) = t.need.check() {
                    return Ok(Completion::ignored_with(why));
                }
                within_deadline(t.name, t.body).map(|()| Completion::Completed)
            })
        })
        .collect();
    libtest_mimic::run(&args, trials).exit_code()
}

/// Runs `body` on its own thread; a panic or the deadline fails the test. A hung
/// body's thread is left behind: the test binary exits when the run is over.
fn within_deadline(name: &str, body: fn()) -> Result<(), Failed> {
    let (tx, rx) = channel();
    let worker = std::thread::Builder::new()
        .name(name.to_string())
        .spawn(move || {
            body();
            tx.send(()).ok();
        })
        .map_err(|e| Failed::from(format!("cannot start the test thread: {e}")))?;
    match rx.recv_timeout(TEST_DEADLINE) {
        Ok(()) => Ok(()),
        Err(RecvTimeoutError::Disconnected) => match worker.join() {
            Err(payload) => Err(Failed::from(panic_text(&payload))),
            Ok(()) => Ok(()),
        },
        Err(RecvTimeoutError::Timeout) => Err(Failed::from(format!("{name} did not finish within {TEST_DEADLINE:?}"))),
    }
}

fn panic_text(payload: &Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "the test panicked".into())
}
