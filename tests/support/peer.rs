//! Processes that talk over node-ipc in the interop tests: procbox scripts and Node
//! scripts (on the real node-ipc 9.2.1 in tests/node-ipc/node_modules), read line by
//! line with a deadline on every wait. Nothing sleeps: each step waits for the
//! output that proves the previous one happened. On failure the panic shows every
//! line the process printed, and its stderr.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

pub const EXE: &str = env!("CARGO_BIN_EXE_procbox");
pub const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/node-ipc");
/// Generous: the machine is shared and a test may wait behind a build.
pub const DEADLINE: Duration = Duration::from_secs(20);

/// Which implementation a peer runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Impl {
    Procbox,
    Node,
}

impl Impl {
    /// `peer-server` → `peer-server.rhai` run by procbox, or `peer-server.js` by node.
    pub fn command(self, script: &str) -> Command {
        match self {
            Impl::Procbox => {
                let mut c = Command::new(EXE);
                c.arg(format!("{DIR}/{script}.rhai"));
                c
            }
            Impl::Node => {
                let mut c = Command::new("node");
                c.arg(format!("{DIR}/{script}.js"));
                c
            }
        }
    }
}

pub struct Peer {
    pub name: String,
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    seen: Vec<String>,
    stderr: Arc<Mutex<Vec<u8>>>,
}

impl Peer {
    pub fn spawn(name: &str, mut cmd: Command) -> Peer {
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap_or_else(|e| panic!("{name}: cannot start {cmd:?}: {e}"));
        let (tx, rx) = channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let (mut err, sink) = (child.stderr.take().unwrap(), stderr.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Peer { name: name.into(), stdin: child.stdin.take(), child, lines: rx, seen: Vec::new(), stderr }
    }

    fn fail(&self, what: &str) -> ! {
        let err = String::from_utf8_lossy(&self.stderr.lock().unwrap()).into_owned();
        panic!("{}: {what}\n--- its stdout so far:\n{}\n--- its stderr:\n{err}", self.name, self.seen.join("\n"));
    }

    /// The next line, within the deadline.
    pub fn next_line(&mut self) -> String {
        match self.lines.recv_timeout(DEADLINE) {
            Ok(l) => {
                self.seen.push(l.clone());
                l
            }
            Err(RecvTimeoutError::Timeout) => self.fail("no line within the deadline"),
            Err(RecvTimeoutError::Disconnected) => self.fail("the output ended"),
        }
    }

    /// The next line must be `want`.
    pub fn expect(&mut self, want: &str) {
        let got = self.next_line();
        if got != want {
            self.fail(&format!("expected the line {want:?}, got {got:?}"));
        }
    }

    /// Each of `want` in order, nothing else between.
    pub fn expect_all(&mut self, want: &[String]) {
        for w in want {
            self.expect(w);
        }
    }

    /// Skips lines until one satisfies `pred`; returns it.
    pub fn wait_for(&mut self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let until = Instant::now() + DEADLINE;
        loop {
            let left = until.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(l) => {
                    self.seen.push(l.clone());
                    if pred(&l) {
                        return l;
                    }
                }
                Err(_) => self.fail(&format!("no line {what} within the deadline")),
            }
        }
    }

    pub fn send(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().expect("stdin still open");
        writeln!(stdin, "{line}").unwrap();
        stdin.flush().unwrap();
    }

    pub fn close_stdin(&mut self) {
        self.stdin.take();
    }

    /// Waits for the process to end by itself.
    pub fn wait_exit(&mut self) -> ExitStatus {
        let until = Instant::now() + DEADLINE;
        loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                return st;
            }
            if Instant::now() > until {
                self.fail("did not exit within the deadline");
            }
            // Only the exit status is polled here: the output was already checked.
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// The rest of the output, once the process has ended.
    pub fn rest(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        while let Ok(l) = self.lines.recv_timeout(DEADLINE) {
            self.seen.push(l.clone());
            out.push(l);
        }
        out
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn signal(&self, sig: i32) {
        // SAFETY: a plain kill(2) on our own child.
        unsafe { libc::kill(self.child.id() as i32, sig) };
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap()).into_owned()
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A TCP port free right now (the kernel's pick, released for the test to use).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A Unix socket path of our own, removed when dropped: a killed server leaves its
/// socket file behind (node-ipc's always does).
pub struct SocketPath(pub String);

pub fn socket_path(tag: &str) -> SocketPath {
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let p = std::env::temp_dir().join(format!("procbox-nipc-{}-{tag}-{n}.sock", std::process::id()));
    let _ = std::fs::remove_file(&p);
    SocketPath(p.display().to_string())
}

impl Drop for SocketPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The packages `npm ci` must install, and nothing else (reference/anchors.md A.1:
/// 9.2.1 is the last clean 9.x; 9.2.3, 10.x, 11.x and 12.0.1 carried malicious code).
const EXPECTED: &[(&str, &str)] = &[
    ("easy-stack", "1.0.1"),
    ("event-pubsub", "4.3.0"),
    ("js-message", "1.0.7"),
    ("js-queue", "2.0.2"),
    ("node-ipc", "9.2.1"),
];
const NODE_IPC_INTEGRITY: &str =
    "sha512-mJzaM6O3xHf9VT8BULvJSbdVbmHUKRNOH7zDDkCrA1/T+CVjq2WVIDfLt0azZRXpgArJtl3rtmEozrbXPZ9GaQ==";

/// Installs node-ipc 9.2.1 from the lockfile (once per test run) and checks that what
/// is installed is exactly the pinned tree. Tests that call it are listed as needing
/// `Need::Npm` (support/needs.rs), so they were reported ignored if node or npm is
/// missing; a failed install fails them.
pub fn node_ipc_ready() -> bool {
    static READY: OnceLock<Result<(), String>> = OnceLock::new();
    match READY.get_or_init(install_and_verify) {
        Ok(()) => true,
        Err(e) => panic!("{e}"),
    }
}

fn install_and_verify() -> Result<(), String> {
    let dir = Path::new(DIR);
    let lock = std::fs::read_to_string(dir.join("package-lock.json")).map_err(|e| format!("package-lock.json: {e}"))?;
    if !lock.contains(NODE_IPC_INTEGRITY) {
        return Err("package-lock.json does not pin node-ipc 9.2.1's integrity".into());
    }
    if !dir.join("node_modules/node-ipc/package.json").exists() {
        let out = npm_ci(dir)?;
        if !out.status.success() {
            return Err(format!("npm ci failed:\n{}", String::from_utf8_lossy(&out.stderr)));
        }
    }
    verify_tree(&dir.join("node_modules"))
}

/// `npm ci` with a deadline: without a reachable registry it could wait for minutes.
fn npm_ci(dir: &Path) -> Result<std::process::Output, String> {
    let child = Command::new("npm")
        .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run npm: {e}"))?;
    let pid = child.id() as i32;
    let (tx, rx) = channel();
    std::thread::spawn(move || tx.send(child.wait_with_output()));
    match rx.recv_timeout(Duration::from_secs(300)) {
        Ok(r) => r.map_err(|e| format!("npm ci: {e}")),
        Err(_) => {
            // SAFETY: kill(2) on our own child, not reaped: its waiting thread is blocked.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            Err("npm ci did not finish within 5 minutes (is the registry reachable?)".into())
        }
    }
}

fn verify_tree(modules: &Path) -> Result<(), String> {
    let mut found: Vec<(String, String)> = Vec::new();
    for entry in std::fs::read_dir(modules).map_err(|e| e.to_string())? {
        let name = entry.map_err(|e| e.to_string())?.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let manifest = std::fs::read_to_string(modules.join(&name).join("package.json")).map_err(|e| e.to_string())?;
        let v: serde_like::Version = serde_like::version(&manifest).ok_or(format!("{name}: no version"))?;
        found.push((name, v.0));
    }
    found.sort();
    let want: Vec<(String, String)> = EXPECTED.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
    if found != want {
        return Err(format!("installed packages {found:?} are not exactly the pinned tree {want:?}"));
    }
    Ok(())
}

/// The `"version"` of a package.json, without a JSON dependency in the tests.
mod serde_like {
    pub struct Version(pub String);

    pub fn version(manifest: &str) -> Option<Version> {
        let at = manifest.find("\"version\"")?;
        let rest = &manifest[at + 9..];
        let start = rest.find('"')? + 1;
        let end = start + rest[start..].find('"')?;
        Some(Version(rest[start..end].to_string()))
    }
}
