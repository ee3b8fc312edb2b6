//! `Stream` as the fork channel uses it (`ipc::channel::stream_opts`): corked
//! writes, a broken write side that keeps reading, writes that do not hold the loop,
//! and the peer's name in the exit flush.

use super::flush::Pending;
use super::stream::{Kind, ReadSize, StreamOpts};
use super::stream_testkit::*;
use super::stream_write::CORKED_BATCH;

fn chan_opts() -> StreamOpts {
    StreamOpts {
        kind: Kind::UnixFds,
        read_size: ReadSize::Reused(4096),
        writes_keep_alive: false,
        write_error_keeps_reading: true,
        ..StreamOpts::socket()
    }
}

/// Whether the exit flush would poll the stream now.
fn in_exit_flush(s: &dyn Pending) -> bool {
    let mut seen = false;
    s.flush_fd(&mut |_| seen = true);
    seen
}

#[test]
fn corked_writes_wait_for_uncork_and_go_together() {
    let (w, _p, s, b) = socket_world(chan_opts());
    s.cork();
    assert!(s.write(b"1\n".to_vec(), Some(1)));
    assert!(s.write(b"2\n".to_vec(), None));
    assert!(drain_peer(&b).is_empty(), "nothing written while corked");
    assert!(!w.reactor.watched().iter().any(|i| i.write), "a corked queue is not watched");
    s.uncork();
    assert_eq!(drain_peer(&b), b"1\n2\n");
    w.run_until(|w| w.logged("a:written 1"));
    // Uncorked again: an idle queue writes at once.
    assert!(s.write(b"3\n".to_vec(), None));
    assert_eq!(drain_peer(&b), b"3\n");
}

#[test]
fn a_long_corked_burst_is_written_while_it_is_made_in_gathered_writes() {
    let w = World::new();
    let (a, b) = socketpair();
    let p = socket_stream(&w, "a", a, chan_opts());
    let s = p.s();
    s.cork();
    let line = [b'x'; 99].iter().chain(b"\n").copied().collect::<Vec<u8>>();
    let before = CORKED_BATCH / line.len();
    for _ in 0..before {
        s.write(line.clone(), None);
    }
    assert!(drain_peer(&b).is_empty(), "under the batch size: nothing written yet");
    s.write(line.clone(), None);
    assert_eq!(drain_peer(&b).len(), (before + 1) * line.len(), "the batch went out, all of it");
    s.write(line.clone(), None);
    assert!(drain_peer(&b).is_empty(), "a new batch starts");
    s.uncork();
    assert_eq!(drain_peer(&b), line);
}

#[test]
fn a_failed_write_stops_writing_but_reading_goes_on_to_the_eof() {
    let (w, _p, s, b) = socket_world(chan_opts());
    // The peer's last words, then it goes: they are still in our socket.
    send(&b, b"answer\n");
    drop(b);
    s.cork();
    s.write(b"job\n".to_vec(), Some(1));
    s.write(b"job2\n".to_vec(), Some(2));
    s.uncork();
    assert!(s.write_broken(), "EPIPE");
    assert!(!s.write(b"later\n".to_vec(), Some(3)), "a broken write side takes nothing");
    assert!(!in_exit_flush(&*s), "nothing for the exit flush");
    s.read_start();
    w.run_until(|w| w.logged("a:end"));
    assert_eq!(
        w.log(),
        [
            "a:written 1 write EPIPE",
            "a:written 2 write EPIPE",
            "a:written 3 destroyed",
            "a:read answer\n fds 0",
            "a:end"
        ]
    );
    assert!(!s.destroyed(), "the binding decides when to close");
}

#[test]
fn queued_writes_do_not_hold_the_loop_but_reach_the_exit_flush() {
    let (w, _p, s, b) = socket_world(chan_opts());
    s.set_ref(false);
    s.read_start();
    s.set_flush_peer("the IPC channel to child 42".into());
    let chunk = vec![b'x'; 64 * 1024];
    while s.write(chunk.clone(), None) {}
    assert!(w.reactor.watched().iter().any(|i| i.write), "watched for writing");
    assert_eq!(w.alive(), 0, "neither the unref'd read nor the writes hold the loop");
    assert!(in_exit_flush(&*s));
    assert_eq!(s.peer(), "the IPC channel to child 42");
    drop(b);
}

#[test]
fn write_copy_writes_an_idle_stream_at_once_and_queues_behind_others() {
    let (w, _p, s, b) = socket_world(chan_opts());
    assert!(s.write_copy(b"1\n"));
    assert_eq!(drain_peer(&b), b"1\n", "idle: written at once");
    assert!(!in_exit_flush(&*s), "nothing queued");
    s.cork();
    assert!(s.write_copy(b"2\n"));
    s.write(b"3\n".to_vec(), Some(3));
    assert!(drain_peer(&b).is_empty(), "corked: queued, not written");
    s.uncork();
    assert_eq!(drain_peer(&b), b"2\n3\n", "in order");
    w.run_until(|w| w.logged("a:written 3"));
    // The kernel full: what it did not take waits for writability, in order.
    let chunk = vec![b'x'; 64 * 1024];
    while s.write(chunk.clone(), None) {}
    assert!(!s.write_copy(b"4\n"), "above the high-water mark");
    assert!(w.reactor.watched().iter().any(|i| i.write), "watched for writing");
    let mut got = Vec::new();
    for _ in 0..10_000 {
        if got.ends_with(b"4\n") {
            break;
        }
        got.extend(drain_peer(&b));
        w.turn(0);
    }
    assert!(got.ends_with(b"4\n"), "everything arrived");
    assert!(got.iter().rev().skip(2).all(|&c| c == b'x'), "the copy came last");
}
