//! The exit flush (issue 12, point 6): at exit every writer's queue is written while
//! its peer reads, under one idle deadline (`PROCBOX_EXIT_FLUSH_TIMEOUT`), reading
//! from each peer meanwhile; a peer that reads nothing is given up on with a warning.
//! Scripts in tests/exit_flush/. Every wait has a deadline; nothing sleeps.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

const EXE: &str = env!("CARGO_BIN_EXE_procbox");
const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/exit_flush");
/// Generous: the machine is shared. The cases that hang without the fix would hang
/// forever, so any bound tells them apart.
const BOUND: Duration = Duration::from_secs(20);

fn script(name: &str) -> Command {
    let mut c = Command::new(EXE);
    c.arg(format!("{DIR}/{name}"));
    c
}

struct Ended {
    status: ExitStatus,
    stdout: String,
    stderr: String,
    took: Duration,
}

/// Waits for `child` to exit and for its output to end (which also waits for every
/// process that inherited the pipes), killing it at `BOUND`.
fn finish(child: Child, what: &str) -> Ended {
    finish_from(child, what, Instant::now())
}

/// [`finish`], timing from `t0` (the spawn).
fn finish_from(mut child: Child, what: &str, t0: Instant) -> Ended {
    let (mut so, mut se) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    let tx2 = tx.clone();
    std::thread::spawn(move || {
        let mut s = String::new();
        so.read_to_string(&mut s).ok();
        tx.send((1, s)).ok();
    });
    std::thread::spawn(move || {
        let mut s = String::new();
        se.read_to_string(&mut s).ok();
        tx2.send((2, s)).ok();
    });
    let (mut stdout, mut stderr) = (None, None);
    while stdout.is_none() || stderr.is_none() {
        let left = BOUND.saturating_sub(t0.elapsed());
        match rx.recv_timeout(left) {
            Ok((1, s)) => stdout = Some(s),
            Ok((_, s)) => stderr = Some(s),
            Err(_) => {
                child.kill().ok();
                child.wait().ok();
                panic!("{what}: still running after {BOUND:?} (stdout so far: {stdout:?})");
            }
        }
    }
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(t0.elapsed() < BOUND, "{what}: closed its output but did not exit");
        std::thread::yield_now();
    };
    Ended { status, stdout: stdout.unwrap(), stderr: stderr.unwrap(), took: t0.elapsed() }
}

fn spawn(mut cmd: Command) -> Child {
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap()
}

/// (a) Parent and child both exit in the same tick with over 1 MiB queued for each
/// other: both end (the test reads the shared stdout to its end, so the child's end
/// counts too), with no one given up on. Before the exit flush read, each waited in
/// poll() for the other to read, forever.
#[test]
fn parent_and_child_exiting_with_full_queues_do_not_wait_for_each_other() {
    let mut cmd = script("mutual.rhai");
    cmd.env("PROCBOX_EXIT_FLUSH_TIMEOUT", "600000");
    let r = finish(spawn(cmd), "mutual exit");
    assert!(r.status.success(), "{:?}: {}", r.status, r.stderr);
    assert_eq!(r.stderr, "", "nobody was given up on");
}

/// Puts `fd` at descriptor 3 in the child, as a forking parent does.
fn channel_at_3(cmd: &mut Command, fd: &OwnedFd) {
    let raw = fd.as_raw_fd();
    // SAFETY: between fork and exec only async-signal-safe calls (dup2, fcntl).
    unsafe {
        cmd.pre_exec(move || {
            if raw == 3 {
                libc::fcntl(3, libc::F_SETFD, 0);
            } else if libc::dup2(raw, 3) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    cmd.env("NODE_CHANNEL_FD", "3").env("NODE_CHANNEL_SERIALIZATION_MODE", "json");
}

/// (a), the data: the test plays a parent that writes 1 MiB to its child before it
/// reads anything (as an exiting peer's flush did), while the child sends 1 100
/// messages and exits. The child's flush reads meanwhile, so the parent's write
/// completes; then every one of the child's messages arrives, whole and in order.
#[test]
fn an_exiting_child_reads_while_it_writes_and_everything_it_sent_arrives() {
    let (ours, theirs) = UnixStream::pair().unwrap();
    let theirs = OwnedFd::from(theirs);
    let mut cmd = script("send-and-exit.rhai");
    cmd.arg("1100");
    channel_at_3(&mut cmd, &theirs);
    let child = spawn(cmd);
    drop(theirs);
    let line = format!("\"{}\"\n", "p".repeat(1022));
    ours.set_write_timeout(Some(BOUND)).unwrap();
    for i in 0..1024 {
        if let Err(e) = (&ours).write_all(line.as_bytes()) {
            let r = finish(child, "child");
            panic!("write {i} of 1024 to the child failed ({e}): it read nothing while it flushed; {}", r.stderr);
        }
    }
    ours.set_read_timeout(Some(BOUND)).unwrap();
    let mut got = String::new();
    (&ours).read_to_string(&mut got).expect("the child's messages, up to its close");
    let r = finish(child, "child");
    assert!(r.status.success(), "{:?}: {}", r.status, r.stderr);
    let lines: Vec<&str> = got.lines().collect();
    assert_eq!(lines.len(), 1100, "every message arrives");
    for (i, l) in lines.iter().enumerate() {
        assert!(l.starts_with(&format!("{{\"i\":{i},\"pad\":\"xxx")) && l.ends_with("xx\"}"), "message {i}: {l:.60}");
    }
}

/// (c) A child that never reads: the parent's exit waits the configured idle time,
/// then gives up with one warning naming what was not delivered.
#[test]
fn a_parent_gives_up_on_a_child_that_never_reads() {
    let mut cmd = script("no-reader.rhai");
    cmd.env("PROCBOX_EXIT_FLUSH_TIMEOUT", "300");
    let child = spawn(cmd);
    let r = finish(child, "parent");
    let pid: i32 = r.stdout.trim().parse().unwrap_or_else(|_| panic!("the child's pid, got {:?}", r.stdout));
    // SAFETY: plain kill(2) on the `sleep` the script started.
    unsafe { libc::kill(pid, libc::SIGKILL) };
    assert!(r.status.success(), "{:?}: {}", r.status, r.stderr);
    assert!(r.took >= Duration::from_millis(300), "gave up before the deadline: {:?}", r.took);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one warning: {}", r.stderr);
    let w = lines[0];
    assert!(w.starts_with("procbox: gave up delivering ") && w.contains(" messages ("), "{w}");
    assert!(w.ends_with(&format!("to the IPC channel to child {pid}: the peer read nothing for 300 ms")), "{w}");
}

/// Runs net-writer.rhai against a listener; `read` says whether the test reads.
fn net_writer(count: usize, read: bool) -> (Ended, usize, u16) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut cmd = script("net-writer.rhai");
    // A reading peer gets a long deadline: a stalled test thread must not look like
    // a peer that reads nothing.
    let idle = if read { "60000" } else { "300" };
    cmd.args([port.to_string(), count.to_string()]).env("PROCBOX_EXIT_FLUSH_TIMEOUT", idle);
    let t0 = Instant::now();
    let child = spawn(cmd);
    let (sock, _) = listener.accept().unwrap();
    if !read {
        let r = finish_from(child, "net writer", t0);
        return (r, 0, port);
    }
    let reader = std::thread::spawn(move || read_chunks(sock));
    let r = finish_from(child, "net writer", t0);
    (r, reader.join().unwrap(), port)
}

fn read_chunks(mut sock: TcpStream) -> usize {
    sock.set_read_timeout(Some(BOUND)).unwrap();
    let mut all = Vec::new();
    sock.read_to_end(&mut all).unwrap();
    assert_eq!(all.len() % 65536, 0, "whole chunks");
    for (i, chunk) in all.chunks(65536).enumerate() {
        assert_eq!(String::from_utf8_lossy(&chunk[..8]).trim_end(), i.to_string(), "chunk {i} in order");
    }
    all.len() / 65536
}

/// (e) A `net` socket's writes queued before `process.exit()` all arrive.
#[test]
fn a_net_socket_delivers_its_queue_at_exit() {
    let (r, chunks, _) = net_writer(256, true);
    assert!(r.status.success(), "{:?}: {}", r.status, r.stderr);
    assert_eq!(chunks, 256);
    assert_eq!(r.stderr, "");
}

/// (e) ... and a peer that reads nothing is given up on after the idle time.
#[test]
fn a_net_socket_gives_up_on_a_peer_that_reads_nothing() {
    let (r, _, port) = net_writer(512, false);
    assert!(r.status.success(), "{:?}: {}", r.status, r.stderr);
    assert!(r.took >= Duration::from_millis(300), "{:?}", r.took);
    let w = r.stderr.trim_end();
    assert!(w.starts_with("procbox: gave up delivering ") && w.contains(" writes ("), "{w}");
    assert!(w.ends_with(&format!("to the socket to 127.0.0.1:{port}: the peer read nothing for 300 ms")), "{w}");
}

/// (e) node-ipc: emits queued before `process.exit()` are delivered while the peer
/// reads (tests/node_ipc_wire.rs), and a peer that reads nothing is given up on
/// under the same rule (it had a fixed 2 s of its own, and no warning).
#[test]
fn a_node_ipc_connection_gives_up_on_a_peer_that_reads_nothing() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut cmd = Command::new(EXE);
    cmd.arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/node-ipc/flush-client.rhai"));
    cmd.args([&port.to_string(), "exit", "512", "65536"]).env("PROCBOX_EXIT_FLUSH_TIMEOUT", "300");
    let t0 = Instant::now();
    let child = spawn(cmd);
    let (_sock, _) = listener.accept().unwrap();
    let r = finish_from(child, "node-ipc client", t0);
    assert!(r.status.success(), "{:?}: {}", r.status, r.stderr);
    assert!(r.took >= Duration::from_millis(300), "{:?}", r.took);
    let w = r.stderr.trim_end();
    assert!(w.starts_with("procbox: gave up delivering ") && w.contains(" messages ("), "{w}");
    assert!(
        w.ends_with(&format!("to the node-ipc connection to 127.0.0.1:{port}: the peer read nothing for 300 ms")),
        "{w}"
    );
}
