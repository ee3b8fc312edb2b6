//! Runs one program on one script in its own process group, with a deadline.
//!
//! The process is the leader of a new group, so the children it starts are in it
//! too. The run is over when the leader has exited and both output pipes are closed
//! (a grandchild still holding them is still printing the case's output). If that has
//! not happened by the deadline, the whole group gets SIGKILL and the run reports a
//! timeout with what it printed so far. Either way the group is killed at the end, so
//! nothing a case started outlives it (children that made their own session escape
//! this, as they would any shell's job control).
//!
//! The leader is waited for without reaping (`waitid` with `WNOWAIT`) until the group
//! has been killed, so its pid, which is the group's id, cannot be reused meanwhile.
//!
//! `libc::SIGKILL` here is a signal number, used as data; no libc function is called here
//! (system calls are [`crate::sys`]'s).

use std::io::Read;

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What to run.
pub struct Job<'a> {
    pub program: &'a Path,
    pub script: &'a Path,
    pub args: &'a [String],
    pub dir: &'a Path,
    pub stdin: Option<&'a Path>,
    pub env: &'a [(String, String)],
    pub timeout: Duration,
    /// The job's slot in `interrupt`'s table of running groups.
    pub slot: usize,
}

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// The exit status (128 + N for a death by signal N, as a shell says).
    Status(i32),
    /// Killed at the deadline.
    TimedOut,
}

pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub end: End,
    pub took: Duration,
}

/// After the group was killed, how long to wait for pipes held by processes outside it.
const GRACE: Duration = Duration::from_secs(2);

enum Event {
    Exited,
    Closed,
}

pub fn run(job: &Job) -> Result<Run, String> {
    use std::os::unix::process::CommandExt;
    let stdin = match job.stdin {
        Some(p) => Stdio::from(std::fs::File::open(p).map_err(|e| format!("cannot open {}: {e}", p.display()))?),
        None => Stdio::null(),
    };
    let start = Instant::now();
    let mut child = Command::new(job.program)
        .arg(job.script)
        .args(job.args)
        .current_dir(job.dir)
        .envs(job.env.iter().map(|(k, v)| (k, v)))
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", job.program.display()))?;
    let pid = child.id() as i32;
    super::interrupt::set(job.slot, pid);
    let (tx, rx) = channel();
    let stdout = collect(child.stdout.take().expect("piped stdout"), tx.clone());
    let stderr = collect(child.stderr.take().expect("piped stderr"), tx.clone());
    std::thread::spawn(move || {
        crate::sys::process::wait_ended_unreaped(pid);
        tx.send(Event::Exited).ok();
    });
    let seen = wait_events(&rx, 3, start + job.timeout);
    let finished = seen == 3;
    // The group this run created: the leader is not reaped yet (wait_ended_unreaped leaves
    // it a zombie), so the group id still names our group.
    let _ = crate::sys::process::kill(-pid, libc::SIGKILL);
    if !finished {
        wait_events(&rx, 3 - seen, Instant::now() + GRACE);
    }
    super::interrupt::set(job.slot, 0);
    let waited = child.wait();
    let took = start.elapsed();
    let text =
        |b: &Arc<Mutex<Vec<u8>>>| String::from_utf8_lossy(&b.lock().unwrap_or_else(|e| e.into_inner())).into_owned();
    let end = if finished { status(waited) } else { End::TimedOut };
    Ok(Run { stdout: text(&stdout), stderr: text(&stderr), end, took })
}

/// Waits for up to `count` events until `deadline`; returns how many came.
fn wait_events(rx: &Receiver<Event>, count: usize, deadline: Instant) -> usize {
    let mut seen = 0;
    while seen < count {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(Event::Exited | Event::Closed) => seen += 1,
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
        }
    }
    seen
}

/// Reads a pipe to its end into a buffer shared with the caller, so a timeout still
/// has what was printed so far.
fn collect(mut pipe: impl Read + Send + 'static, tx: std::sync::mpsc::Sender<Event>) -> Arc<Mutex<Vec<u8>>> {
    let buf = Arc::new(Mutex::new(Vec::new()));
    let sink = buf.clone();
    std::thread::spawn(move || {
        let mut chunk = [0u8; 8192];
        loop {
            match pipe.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => sink.lock().unwrap_or_else(|e| e.into_inner()).extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            }
        }
        tx.send(Event::Closed).ok();
    });
    buf
}

fn status(waited: std::io::Result<std::process::ExitStatus>) -> End {
    use std::os::unix::process::ExitStatusExt;
    match waited {
        Ok(st) => match (st.code(), st.signal()) {
            (Some(c), _) => End::Status(c),
            (None, Some(s)) => End::Status(128 + s),
            _ => End::Status(-1),
        },
        Err(_) => End::Status(-1),
    }
}

/// The version `node --version` prints, or why node cannot run the twins.
pub fn node_version() -> Result<String, String> {
    let out = Command::new("node").arg("--version").stdin(Stdio::null()).output().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => "node is not installed (not on PATH)".to_string(),
        _ => format!("cannot run node: {e}"),
    })?;
    if !out.status.success() {
        return Err(format!("`node --version` failed ({})", out.status));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}
