//! Tests of [`super::Channel`] over a real socketpair.

use super::super::framing::encode;
use super::*;
use serde_json::json;
use std::os::fd::AsRawFd;

fn pair() -> (Channel, Channel) {
    let (a, b) = crate::sys::fd::socketpair().unwrap();
    (Channel::new(a).unwrap(), Channel::new(b).unwrap())
}

fn messages(c: &mut Channel) -> Vec<serde_json::Value> {
    c.read()
        .unwrap()
        .0
        .into_iter()
        .filter_map(|i| match i.frame {
            // Back to a `Value` (comparable, and `Send` for the reader thread).
            Frame::Message(v) => Some(serde_json::from_str(&crate::value::json::stringify(&v, "")?).ok()?),
            _ => None,
        })
        .collect()
}

/// Writes everything queued, waiting (5 s at most per wait) for the reader.
fn flush_wait(c: &mut Channel) {
    c.release_held();
    while c.has_output() {
        c.flush().unwrap();
        let mut p = libc::pollfd { fd: c.fd().as_raw_fd(), events: libc::POLLOUT, revents: 0 };
        // SAFETY: `p` is one valid pollfd for the call's duration; `c` owns the fd.
        assert!(unsafe { libc::poll(&mut p, 1, 5000) } > 0, "the reader stalled");
    }
}

#[test]
fn messages_arrive_in_order() {
    let (mut a, mut b) = pair();
    a.enqueue(encode("{\"n\":1}"), None);
    a.enqueue(encode("\"two\""), None);
    assert_eq!(a.flush().unwrap(), vec![1, 2]);
    assert_eq!(messages(&mut b), vec![json!({"n": 1}), json!("two")]);
}

#[test]
fn high_water_mark_reports_false_but_keeps_the_message() {
    let (mut a, mut b) = pair();
    let big = format!("\"{}\"", "x".repeat(HIGH_WATER));
    let (_, below) = a.enqueue(encode(&big), None);
    assert!(!below);
    let reader = std::thread::spawn(move || {
        let mut got = Vec::new();
        while got.is_empty() {
            let mut p = libc::pollfd { fd: b.fd().as_raw_fd(), events: libc::POLLIN, revents: 0 };
            // SAFETY: `p` is one valid pollfd for the call's duration; `b` owns the fd.
            unsafe { libc::poll(&mut p, 1, 5000) };
            got = messages(&mut b);
        }
        got
    });
    flush_wait(&mut a);
    assert_eq!(reader.join().unwrap()[0].as_str().unwrap().len(), HIGH_WATER);
}

#[test]
fn sends_wait_for_the_handle_ack() {
    let (mut a, mut b) = pair();
    let (h, _keep) = crate::sys::fd::socketpair().unwrap();
    a.enqueue(encode("{\"cmd\":\"NODE_HANDLE\",\"type\":\"net.Server\",\"msg\":\"server\"}"), Some(h));
    a.enqueue(encode("{\"plain\":true}"), None);
    a.flush().unwrap();
    let (got, _) = b.read().unwrap();
    assert_eq!(got.len(), 1, "the plain message is held until the ACK");
    assert!(got[0].handle.is_some());
    a.ack();
    a.flush().unwrap();
    assert_eq!(messages(&mut b), vec![json!({"plain": true})]);
}

#[test]
fn descriptors_on_ordinary_messages_are_closed() {
    let (a, mut b) = pair();
    let (p0, _p1) = crate::sys::fd::socketpair().unwrap();
    for i in 0..200 {
        let line = format!("{{\"n\":{i}}}\n");
        socket::sendmsg(a.fd.as_fd(), line.as_bytes(), Some(p0.as_fd())).unwrap();
    }
    // A descriptor with a partial line waits for the line, then goes too.
    socket::sendmsg(a.fd.as_fd(), b"{\"cmd\":\"NODE_HANDLE\",\"type\":\"x\"", Some(p0.as_fd())).unwrap();
    let mut got = 0;
    while got < 200 {
        let (incoming, _) = b.read().unwrap();
        assert!(incoming.iter().all(|i| i.handle.is_none()));
        got += incoming.len();
        assert!(b.open_fds() <= 1, "{} descriptors kept", b.open_fds());
    }
    socket::sendmsg(a.fd.as_fd(), b"}\n{\"cmd\":\"NODE_HANDLE\"}\n", None).unwrap();
    let mut incoming = Vec::new();
    while incoming.len() < 2 {
        incoming.extend(b.read().unwrap().0);
    }
    assert!(incoming[0].handle.is_some(), "the handle line claims the descriptor sent with its start");
    assert!(incoming[1].handle.is_none(), "a handle line without a descriptor gets none");
    assert_eq!(b.open_fds(), 0);
}

#[test]
fn line_sizes_are_reported() {
    let (mut a, mut b) = pair();
    a.enqueue(encode("1"), None);
    a.enqueue(encode("\"abc\""), None);
    a.flush().unwrap();
    let sizes: Vec<usize> = b.read().unwrap().0.iter().map(|i| i.size).collect();
    assert_eq!(sizes, vec![2, 6]);
}

#[test]
fn an_emptied_write_queue_gives_its_memory_back() {
    let (mut a, mut b) = pair();
    for _ in 0..20_000 {
        a.enqueue(encode("1"), None);
    }
    let reader = std::thread::spawn(move || {
        let mut n = 0;
        while n < 20_000 {
            let mut p = libc::pollfd { fd: b.fd().as_raw_fd(), events: libc::POLLIN, revents: 0 };
            // SAFETY: `p` is one valid pollfd for the call's duration; `b` owns the fd.
            unsafe { libc::poll(&mut p, 1, 5000) };
            n += b.read().unwrap().0.len();
        }
    });
    flush_wait(&mut a);
    reader.join().unwrap();
    assert!(a.out.capacity() <= 1024, "write queue kept {} slots", a.out.capacity());
}

#[test]
fn peer_close_is_eof() {
    let (a, mut b) = pair();
    drop(a);
    let (got, eof) = b.read().unwrap();
    assert!(got.is_empty() && eof);
}

#[test]
fn discarding_input_drops_lines_and_descriptors_and_sees_the_eof() {
    let (mut a, b) = pair();
    let (p0, _p1) = crate::sys::fd::socketpair().unwrap();
    socket::sendmsg(b.fd.as_fd(), b"{\"cmd\":\"NODE_HANDLE\"}\n1\n", Some(p0.as_fd())).unwrap();
    assert!(!a.discard_input().unwrap(), "no EOF yet");
    drop(b);
    assert!(a.discard_input().unwrap(), "the peer's close is the EOF");
    assert_eq!(a.open_fds(), 0);
}

#[test]
fn held_messages_are_released_when_the_channel_ends() {
    let (mut a, _b) = pair();
    let (h, _keep) = crate::sys::fd::socketpair().unwrap();
    a.enqueue(encode("{\"cmd\":\"NODE_HANDLE\",\"type\":\"x\",\"msg\":1}"), Some(h));
    a.enqueue(encode("2"), None);
    a.flush().unwrap();
    assert_eq!(a.backlog(), (1, 2), "one message waits for the ACK");
    a.release_held();
    assert_eq!(a.flush().unwrap(), vec![2]);
    assert!(!a.has_output());
}
