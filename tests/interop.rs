//! The fork channel against foreign peers: a Node parent forking a procbox child,
//! and a raw socket peer sending what Node never would (malformed lines).

use std::io::{BufRead, BufReader, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};

// Runs on tests/support/needs.rs (harness = false): the Node tests are reported
// ignored, with the reason, where node is missing; every test has a deadline.
#[path = "support/needs.rs"]
#[macro_use]
mod needs;

const EXE: &str = env!("CARGO_BIN_EXE_procbox");
const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/interop");

fn main() -> std::process::ExitCode {
    needs::run(tests![
        Node: node_parent_forks_procbox_child,
        Node: procbox_parent_forks_node_child_and_passes_a_server,
        Nothing: malformed_lines_are_error_events_and_later_messages_arrive,
        Nothing: messages_nobody_listens_to_do_not_pile_up,
        Nothing: what_node_json_parse_accepts_arrives,
        Nothing: descriptors_sent_with_ordinary_messages_are_closed,
    ])
}

fn node_parent_forks_procbox_child() {
    let out = Command::new("node").arg(format!("{DIR}/node-parent.js")).arg(EXE).output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        concat!(
            "parent got {\"channel_fd\":\"deleted\",\"got\":{\"hello\":\"procbox\",\"list\":[1,\"two\",null]},\"step\":\"echo\"}\n",
            "parent got {\"after\":\"echo\",\"step\":\"error-seen\"}\n",
            "big message: 1048576 chars\n",
            "events: disconnect exit(0,null)\n"
        )
    );
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
}

fn procbox_parent_forks_node_child_and_passes_a_server() {
    let out = Command::new(EXE).arg("procbox-parent.rhai").current_dir(DIR).output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        concat!(
            "from node: {\"node_got\":{\"list\":[1,\"two\"],\"n\":1}}\n",
            "client read: served by the node child (listening=true)\n",
            "node child exit 0\n"
        )
    );
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
}

fn malformed_lines_are_error_events_and_later_messages_arrive() {
    let (mine, theirs) = UnixStream::pair().unwrap();
    let fd = theirs.as_raw_fd();
    let mut cmd = Command::new(EXE);
    cmd.arg(format!("{DIR}/raw-peer-child.rhai")).env("NODE_CHANNEL_FD", "3").stdin(Stdio::null());
    // SAFETY: dup2 is async-signal-safe; it puts our socket end at fd 3 in the child.
    unsafe {
        cmd.pre_exec(move || if libc::dup2(fd, 3) < 0 { Err(std::io::Error::last_os_error()) } else { Ok(()) });
    }
    let mut child = cmd.spawn().unwrap();
    drop(theirs);
    (&mine).write_all(b"{\"a\":1}\n{bad\n\n\"ok\"\n").unwrap();
    let mut lines = BufReader::new(&mine).lines();
    let mut got: Vec<String> = (0..4).map(|_| lines.next().unwrap().unwrap()).collect();
    got.sort();
    assert_eq!(
        got,
        [
            "{\"data\":\"\",\"error\":\"ERR_IPC_BAD_MESSAGE\"}",
            "{\"data\":\"{bad\",\"error\":\"ERR_IPC_BAD_MESSAGE\"}",
            "{\"got\":\"ok\"}",
            "{\"got\":{\"a\":1}}",
        ]
    );
    mine.shutdown(std::net::Shutdown::Both).unwrap();
    assert!(child.wait().unwrap().success());
}

/// Starts `script` with a raw socket as its fork channel.
fn raw_peer_child(script: &str) -> (UnixStream, std::process::Child) {
    let (mine, theirs) = UnixStream::pair().unwrap();
    let fd = theirs.as_raw_fd();
    let mut cmd = Command::new(EXE);
    cmd.arg(format!("{DIR}/{script}")).env("NODE_CHANNEL_FD", "3").stdin(Stdio::null()).stderr(Stdio::piped());
    // SAFETY: dup2 is async-signal-safe; it puts our socket end at fd 3 in the child.
    unsafe {
        cmd.pre_exec(move || if libc::dup2(fd, 3) < 0 { Err(std::io::Error::last_os_error()) } else { Ok(()) });
    }
    (mine, cmd.spawn().unwrap())
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

fn messages_nobody_listens_to_do_not_pile_up() {
    let (mine, child) = raw_peer_child("listenerless-child.rhai");
    let mut lines = BufReader::new(&mine).lines();
    let mut sync = || {
        (&mine).write_all(b"{\"cmd\":\"NODE_SYNC\"}\n").unwrap();
        assert_eq!(lines.next().unwrap().unwrap(), "\"synced\"");
    };
    sync();
    let before = rss_kib(child.id());
    let line = format!("\"{}\"\n", "x".repeat(200));
    let batch = line.repeat(1000);
    // 400 000 messages, 80 MiB on the wire.
    for _ in 0..400 {
        (&mine).write_all(batch.as_bytes()).unwrap();
    }
    sync();
    let grown = rss_kib(child.id()).saturating_sub(before);
    mine.shutdown(std::net::Shutdown::Both).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(grown < 40 << 10, "the child grew by {} MiB holding unheard messages", grown >> 10);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("no 'message' listener").count(), 1, "one warning: {stderr}");
    assert!(out.status.success());
}

fn what_node_json_parse_accepts_arrives() {
    let (mine, mut child) = raw_peer_child("node-json-child.rhai");
    let nest = |n: usize| format!("{}1{}\n", "[".repeat(n), "]".repeat(n));
    // A lone surrogate (Node keeps it; a Rust string cannot: U+FFFD), 4 185 levels
    // (the deepest a Node v20 peer's JSON.stringify produces), 5 001 (over our limit).
    (&mine).write_all(b"\"a\\ud800b\"\n").unwrap();
    (&mine).write_all(nest(4185).as_bytes()).unwrap();
    (&mine).write_all(nest(5001).as_bytes()).unwrap();
    (&mine).write_all(b"\"after\"\n").unwrap();
    let mut lines = BufReader::new(&mine).lines();
    let got: Vec<String> = (0..4).map(|_| lines.next().unwrap().unwrap()).collect();
    assert_eq!(
        got,
        [
            "{\"string\":\"a\u{fffd}b\"}",
            "{\"json_length\":8371}",
            "{\"error\":\"ERR_IPC_BAD_MESSAGE\",\"message\":\"Malformed IPC message: nesting 5001 levels deep, over the limit of 5000\"}",
            "{\"string\":\"after\"}",
        ]
    );
    mine.shutdown(std::net::Shutdown::Both).unwrap();
    assert!(child.wait().unwrap().success());
}

/// Sends `line` with `fd` attached as SCM_RIGHTS, the way a handle travels.
fn send_with_fd(sock: &UnixStream, line: &[u8], fd: i32) {
    let mut iov = libc::iovec { iov_base: line.as_ptr() as *mut _, iov_len: line.len() };
    let mut cmsg = [0u64; 8];
    // SAFETY: msghdr is plain data; the control buffer is large and aligned enough
    // for one descriptor, and every pointer outlives the call.
    let n = unsafe {
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = cmsg.as_mut_ptr().cast();
        msg.msg_controllen = libc::CMSG_SPACE(4) as usize;
        let c = libc::CMSG_FIRSTHDR(&msg);
        (*c).cmsg_level = libc::SOL_SOCKET;
        (*c).cmsg_type = libc::SCM_RIGHTS;
        (*c).cmsg_len = libc::CMSG_LEN(4) as usize;
        std::ptr::write_unaligned(libc::CMSG_DATA(c).cast::<i32>(), fd);
        libc::sendmsg(sock.as_raw_fd(), &msg, 0)
    };
    assert_eq!(n, line.len() as isize);
}

fn descriptors_sent_with_ordinary_messages_are_closed() {
    let (mine, child) = raw_peer_child("listenerless-child.rhai");
    let mut lines = BufReader::new(&mine).lines();
    let mut sync = || {
        (&mine).write_all(b"{\"cmd\":\"NODE_SYNC\"}\n").unwrap();
        assert_eq!(lines.next().unwrap().unwrap(), "\"synced\"");
    };
    let open_fds = |pid: u32| std::fs::read_dir(format!("/proc/{pid}/fd")).unwrap().count();
    sync();
    let before = open_fds(child.id());
    let passed = std::fs::File::open("/dev/null").unwrap();
    for i in 0..2000 {
        send_with_fd(&mine, format!("{{\"n\":{i}}}\n").as_bytes(), passed.as_raw_fd());
    }
    sync();
    let after = open_fds(child.id());
    mine.shutdown(std::net::Shutdown::Both).unwrap();
    assert!(child.wait_with_output().unwrap().status.success());
    assert!(after <= before + 1, "{before} descriptors before, {after} after 2000 messages carrying one");
}
