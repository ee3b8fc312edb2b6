//! A private Redis server for one test: `redis-server --port 0 --unixsocket
//! <tmp>/r.sock --save ""` in its own temp dir, ready once its socket answers PING,
//! stopped by pid (SIGKILL or SIGTERM as the test wants) when dropped. A host without
//! `redis-server` gives `None`: the test reports itself skipped with the reason.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub struct RedisServer {
    pub dir: PathBuf,
    pub sock: PathBuf,
    child: Option<Child>,
}

/// The server binary, if this host has one.
pub fn binary() -> Option<PathBuf> {
    std::env::var_os("PATH")?.to_str()?.split(':').map(|d| Path::new(d).join("redis-server")).find(|p| p.exists())
}

/// Prints the skip notice and returns true when there is no server to test against.
pub fn skip(test: &str) -> bool {
    if binary().is_some() {
        return false;
    }
    eprintln!("{test}: SKIPPED: redis-server not found on PATH (.ci/run installs Debian's redis-tools)");
    true
}

static COUNT: AtomicUsize = AtomicUsize::new(0);

impl RedisServer {
    pub fn start(tag: &str) -> Option<RedisServer> {
        binary()?;
        let n = COUNT.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir().join(format!("procbox-redis-{}-{tag}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let sock = dir.join("r.sock");
        let mut s = RedisServer { dir, sock, child: None };
        s.restart();
        Some(s)
    }

    pub fn url(&self) -> String {
        format!("unix://{}", self.sock.display())
    }

    /// Starts the server (again, on the same socket path) and waits until it answers.
    pub fn restart(&mut self) {
        let _ = std::fs::remove_file(&self.sock);
        let child = Command::new("redis-server")
            .args(["--port", "0", "--unixsocket"])
            .arg(&self.sock)
            .args(["--save", "", "--appendonly", "no", "--dir"])
            .arg(&self.dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start redis-server");
        self.child = Some(child);
        let start = Instant::now();
        loop {
            if let Ok(mut c) = UnixStream::connect(&self.sock) {
                let _ = c.write_all(b"PING\r\n");
                let mut buf = [0u8; 7];
                if c.read_exact(&mut buf).is_ok() && &buf == b"+PONG\r\n" {
                    return;
                }
            }
            assert!(start.elapsed() < Duration::from_secs(20), "redis-server did not come up");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Kills the server by pid (SIGKILL) and reaps it.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
