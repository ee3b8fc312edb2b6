//! Unix sockets procbox creates are closed to other users (issue 12 point 15): a
//! `net` server on a path and a node-ipc server make their socket file 0600 even
//! under umask 000 (set in the child only, through `sh -c 'umask 000; exec …'`),
//! `readableAll` / `writableAll` and `ipc.config.socketMode` open it on request, and
//! node-ipc's default socket directory is per user: `$XDG_RUNTIME_DIR`, else a
//! `procbox-<uid>` directory under the temp dir, created 0700 and owned by us.
//! Every wait is on a line the server prints once it listens; nothing sleeps.

#[path = "support/peer.rs"]
mod peer;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use peer::{EXE, Peer};

const SCRIPTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sockperm");

/// A fresh directory of this test's own, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let p = std::env::temp_dir().join(format!("procbox-sockperm-{}-{tag}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir(&p).unwrap();
        Scratch(p)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// procbox running `script` under umask 000, the worst case for a socket's mode.
fn procbox_umask0(script: &str, args: &[&str]) -> Command {
    let mut c = Command::new("sh");
    c.arg("-c").arg("umask 000; exec \"$0\" \"$@\"").arg(EXE).arg(format!("{SCRIPTS}/{script}")).args(args);
    c
}

fn mode(p: &Path) -> u32 {
    std::fs::symlink_metadata(p).unwrap_or_else(|e| panic!("stat {}: {e}", p.display())).mode() & 0o7777
}

fn uid() -> u32 {
    // SAFETY: getuid has no preconditions and cannot fail.
    unsafe { libc::getuid() }
}

/// Starts the `net` server, returns the socket's mode while it listens, stops it.
fn net_socket_mode(flags: &[&str]) -> u32 {
    let dir = Scratch::new("net");
    let path = dir.0.join("s.sock");
    let mut args = vec![path.to_str().unwrap()];
    args.extend_from_slice(flags);
    let mut server = Peer::spawn("net-server", procbox_umask0("net-server.rhai", &args));
    server.expect("ready");
    let m = mode(&path);
    server.close_stdin();
    assert!(server.wait_exit().success(), "{}", server.stderr());
    m
}

#[test]
fn net_unix_socket_is_owner_only_under_umask_000() {
    assert_eq!(net_socket_mode(&[]), 0o600, "listen({{path}})");
    assert_eq!(net_socket_mode(&["string"]), 0o600, "listen(path)");
}

#[test]
fn net_readable_all_and_writable_all_open_the_socket() {
    assert_eq!(net_socket_mode(&["readableAll"]), 0o644);
    assert_eq!(net_socket_mode(&["writableAll"]), 0o622);
    assert_eq!(net_socket_mode(&["readableAll", "writableAll"]), 0o666);
}

/// Serves node-ipc on its default path with `TMPDIR=tmp` and `XDG_RUNTIME_DIR` as
/// given; returns the path it served on and the socket's mode while it listened.
fn ipc_socket(tmp: &Path, xdg: Option<&Path>, socket_mode: Option<&str>) -> (PathBuf, u32) {
    let mut args = vec!["sockperm"];
    args.extend(socket_mode);
    let mut cmd = procbox_umask0("ipc-server.rhai", &args);
    cmd.env("TMPDIR", tmp);
    match xdg {
        Some(d) => cmd.env("XDG_RUNTIME_DIR", d),
        None => cmd.env_remove("XDG_RUNTIME_DIR"),
    };
    let mut server = Peer::spawn("ipc-server", cmd);
    let line = server.wait_for("ready", |l| l.starts_with("ready ") || l.starts_with("error "));
    let path = PathBuf::from(line.strip_prefix("ready ").unwrap_or_else(|| panic!("server failed: {line}")));
    let m = mode(&path);
    server.close_stdin();
    assert!(server.wait_exit().success(), "{}", server.stderr());
    (path, m)
}

#[test]
fn node_ipc_default_dir_is_private_and_socket_owner_only() {
    let tmp = Scratch::new("ipc-tmp");
    let (path, m) = ipc_socket(&tmp.0, None, None);
    let dir = tmp.0.join(format!("procbox-{}", uid()));
    assert_eq!(path, dir.join("app.sockperm"));
    assert_eq!(m, 0o600, "the socket");
    let meta = std::fs::symlink_metadata(&dir).unwrap();
    assert!(meta.is_dir());
    assert_eq!((meta.mode() & 0o7777, meta.uid()), (0o700, uid()), "the directory");
    assert!(!path.exists(), "a stopped server's socket is gone at exit");
}

#[test]
fn node_ipc_reuses_and_recloses_its_dir_and_refuses_a_symlink() {
    let tmp = Scratch::new("ipc-reuse");
    let dir = tmp.0.join(format!("procbox-{}", uid()));
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o777)).unwrap();
    let (_, m) = ipc_socket(&tmp.0, None, None);
    assert_eq!((m, mode(&dir)), (0o600, 0o700), "an opened-up directory of ours is closed again");

    let tmp = Scratch::new("ipc-link");
    let elsewhere = Scratch::new("ipc-elsewhere");
    std::os::unix::fs::symlink(&elsewhere.0, tmp.0.join(format!("procbox-{}", uid()))).unwrap();
    let mut cmd = procbox_umask0("ipc-server.rhai", &["sockperm"]);
    cmd.env("TMPDIR", &tmp.0).env_remove("XDG_RUNTIME_DIR");
    let mut server = Peer::spawn("ipc-server", cmd);
    server.expect("error EACCES");
    server.close_stdin();
    server.wait_exit();
    assert_eq!(std::fs::read_dir(&elsewhere.0).unwrap().count(), 0, "nothing was created through the link");
}

#[test]
fn node_ipc_uses_xdg_runtime_dir_and_socket_mode() {
    let tmp = Scratch::new("ipc-tmp2");
    let xdg = Scratch::new("ipc-xdg");
    let (path, m) = ipc_socket(&tmp.0, Some(&xdg.0), None);
    assert_eq!((path.as_path(), m), (xdg.0.join("app.sockperm").as_path(), 0o600));
    let (_, m) = ipc_socket(&tmp.0, Some(&xdg.0), Some("660"));
    assert_eq!(m, 0o660, "ipc.config.socketMode = 0o660");
}

/// A client on the default path: `connect` or `error CODE`.
fn ipc_client(tmp: &Path) -> String {
    let mut cmd = Command::new(EXE);
    cmd.arg(format!("{SCRIPTS}/ipc-client.rhai")).env("TMPDIR", tmp).env_remove("XDG_RUNTIME_DIR");
    let mut client = Peer::spawn("ipc-client", cmd);
    let line = client.wait_for("connect or error", |l| l == "connect" || l.starts_with("error "));
    client.close_stdin();
    client.wait_exit();
    line
}

#[test]
fn node_ipc_client_does_not_connect_through_an_untrusted_dir() {
    // A live socket at the default name, reached through a symlink planted where the
    // private directory belongs: a squatter. The client must refuse it.
    let tmp = Scratch::new("ipc-squat");
    let squat = Scratch::new("ipc-squatter");
    let _live = std::os::unix::net::UnixListener::bind(squat.0.join("app.sockperm")).unwrap();
    std::os::unix::fs::symlink(&squat.0, tmp.0.join(format!("procbox-{}", uid()))).unwrap();
    assert_eq!(ipc_client(&tmp.0), "error EACCES");

    // The same socket in a real directory of ours that others can enter: refused too;
    // closed to others, it is trusted (the client connects).
    let tmp = Scratch::new("ipc-open");
    let dir = tmp.0.join(format!("procbox-{}", uid()));
    std::fs::create_dir(&dir).unwrap();
    let _live = std::os::unix::net::UnixListener::bind(dir.join("app.sockperm")).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(ipc_client(&tmp.0), "error EACCES");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    assert_eq!(ipc_client(&tmp.0), "connect");
}
