//! `Stream` on real socketpairs, pipes and TCP sockets, driven by the test kit's
//! loop over the real reactor; each test states the exact events a binding hears, in order.

use std::os::fd::{AsFd, OwnedFd};

use super::events::{Event, IoError};
use super::stream::{DrainAt, Kind, Phase, ReadSize, StreamOpts};
use super::stream_testkit::*;
use crate::io::deadline::Rule;
use crate::net::{Endpoint, sys};

#[test]
fn reads_and_writes_a_socketpair() {
    let (w, _p, s, b) = socket_world(StreamOpts::socket());
    s.read_start();
    assert_eq!(w.alive(), 1, "reading while ref'd holds the loop");
    assert!(s.write(b"hello".to_vec(), Some(1)));
    assert!(s.write(b" world".to_vec(), None));
    assert_eq!(drain_peer(&b), b"hello world", "an idle queue writes at once");
    assert!(w.log().is_empty(), "completions wait for a tick");
    send(&b, b"abc");
    w.run_until(|w| w.logged("a:data abc"));
    assert_eq!(w.log(), ["a:written 1", "a:data abc"]);
    assert_eq!(s.bytes(), (3, 11));
    assert_eq!(w.reactor.open_count(), 1);
}

#[test]
fn backpressure_partial_writes_and_drain() {
    for (drain_at, high_water) in [(DrainAt::BelowHighWater, 16 * 1024), (DrainAt::Empty, 16 * 1024)] {
        let (w, _p, s, b) = socket_world(StreamOpts { drain_at, high_water, ..StreamOpts::socket() });
        let chunk = vec![b'x'; 64 * 1024];
        // The kernel's buffer takes some, then EAGAIN: the rest waits in the queue.
        let mut n = 0;
        while s.write(chunk.clone(), Some(n)) {
            n += 1;
            assert!(n < 1000, "write never said false");
        }
        assert!(s.writable_length() >= high_water);
        assert_eq!(w.reactor.watched().len(), 1, "watched for writing");
        assert!(w.reactor.watched()[0].write);
        assert_eq!(w.alive(), 1, "queued writes hold the loop even unread");
        let mut got = 0;
        let total = 64 * 1024 * (n as usize + 1);
        w.run_until(|w| {
            got += drain_peer(&b).len();
            w.logged("a:drain") && got == total
        });
        let log = w.log();
        let written: Vec<String> = (0..=n).map(|i| format!("a:written {i}")).collect();
        let ids: Vec<String> = log.iter().filter(|l| l.starts_with("a:written")).cloned().collect();
        assert_eq!(ids, written, "every completion, in write order");
        let drain = log.iter().position(|l| l == "a:drain").expect("drain");
        if drain_at == DrainAt::Empty {
            // Node's afterWrite: `drain`, then the callbacks of the writes that
            // emptied the queue.
            let after = &log[drain + 1..];
            assert!(!after.is_empty() && after.iter().all(|l| l.starts_with("a:written")), "{log:?}");
            assert_eq!(log.last(), Some(&format!("a:written {n}")));
        }
        assert_eq!(s.writable_length(), 0);
        assert_eq!(w.alive(), 0, "nothing to write, not reading");
        assert!(w.reactor.watched().is_empty());
    }
}

#[test]
fn epipe_fails_the_write_then_error_and_close() {
    let (w, _p, s, b) = socket_world(StreamOpts::socket());
    drop(b);
    assert!(s.write(b"lost".to_vec(), Some(7)));
    assert!(s.destroyed());
    assert!(!s.write(b"later".to_vec(), Some(8)));
    w.run_until(|w| w.logged("a:close true"));
    assert_eq!(w.log(), ["a:written 7 write EPIPE", "a:written 8 destroyed", "a:error write EPIPE", "a:close true"]);
    assert_eq!(w.reactor.open_count(), 0);
    assert_eq!(w.alive(), 0);
}

#[test]
fn end_shuts_the_write_side_and_reading_goes_on() {
    let (w, _p, s, b) = socket_world(StreamOpts::socket());
    s.read_start();
    s.write(b"last".to_vec(), Some(1));
    s.end();
    w.run_until(|w| w.logged("a:finish"));
    let mut buf = [0u8; 16];
    assert_eq!(nix::unistd::read(&b, &mut buf), Ok(4));
    assert_eq!(nix::unistd::read(&b, &mut buf), Ok(0), "the peer sees EOF");
    send(&b, b"reply");
    w.run_until(|w| w.logged("a:data reply"));
    assert!(!s.write(b"x".to_vec(), Some(2)), "write after end");
    w.run_until(|w| w.logged("a:close true"));
    assert_eq!(
        w.log(),
        [
            "a:written 1",
            "a:finish",
            "a:data reply",
            "a:written 2 write after end",
            "a:error write after end",
            "a:close true"
        ]
    );
}

#[test]
fn hang_up_ends_the_input_once_and_stops_watching() {
    let (w, _p, s, b) = socket_world(StreamOpts::socket());
    s.read_start();
    send(&b, b"bye");
    drop(b);
    w.run_until(|w| w.logged("a:end"));
    assert_eq!(w.log(), ["a:data bye", "a:end"]);
    assert!(w.reactor.watched().is_empty(), "no spin on a hung-up descriptor");
    assert_eq!(w.alive(), 0);
    assert!(!w.turn(0), "nothing left to do");
    s.destroy(None);
    w.run_until(|w| w.logged("a:close false"));
}

#[test]
fn read_stop_leaves_data_in_the_kernel_until_read_start() {
    let (w, p, s, b) = socket_world(StreamOpts::socket());
    // A binding's read-ahead: stop after the first chunk.
    p.on(|p, ev| {
        if matches!(ev, Event::Data(_)) {
            p.s().read_stop();
        }
    });
    s.read_start();
    send(&b, b"one");
    w.run_until(|w| w.logged("a:data one"));
    send(&b, b"two");
    drop(b);
    for _ in 0..3 {
        w.turn(10);
    }
    assert_eq!(w.log(), ["a:data one"], "stopped: not read, not ended");
    assert!(w.reactor.watched().is_empty(), "paused and hung up: unwatched");
    assert_eq!(w.reactor.open_count(), 1, "still open (a paused socket stays connected)");
    assert_eq!(w.alive(), 0, "a paused stream does not hold the loop");
    *p.hook.borrow_mut() = None;
    s.read_start();
    w.run_until(|w| w.logged("a:end"));
    assert_eq!(w.log(), ["a:data one", "a:data two", "a:end"]);
}

#[test]
fn unref_releases_the_read_hold_but_not_writes() {
    let (w, _p, s, _b) = socket_world(StreamOpts::socket());
    s.read_start();
    assert_eq!(w.alive(), 1);
    s.set_ref(false);
    assert_eq!(w.alive(), 0);
    let big = vec![0u8; 4 << 20];
    assert!(!s.write(big, None));
    assert_eq!(w.alive(), 1, "a write in flight holds even unref'd");
    s.destroy(None);
    assert_eq!(w.alive(), 0);
}

#[test]
fn destroy_drops_queued_writes_then_closes() {
    let (w, _p, s, _b) = socket_world(StreamOpts::socket());
    s.write(vec![0u8; 4 << 20], Some(1));
    s.write(b"tail".to_vec(), Some(2));
    let fd = s.raw_fd().expect("open");
    let file = crate::sys::fd::file_at(fd);
    assert!(file.is_some());
    s.destroy(None);
    s.destroy(Some(IoError::Destroyed));
    assert_ne!(crate::sys::fd::file_at(fd), file, "the descriptor is closed");
    assert_eq!(s.phase(), Phase::Closed);
    w.run_until(|w| w.logged("a:close false"));
    assert_eq!(w.log(), ["a:written 1 destroyed", "a:written 2 destroyed", "a:close false"]);
}

#[test]
fn the_open_stream_keeps_its_binding() {
    let (w, p, s, b) = socket_world(StreamOpts::socket());
    let weak = std::rc::Rc::downgrade(&p);
    drop(p);
    assert!(weak.upgrade().is_some(), "kept while open");
    s.read_start();
    drop(s);
    send(&b, b"still here");
    w.run_until(|w| w.logged("a:data still here"));
    weak.upgrade().expect("binding").s().destroy(None);
    w.run_until(|w| w.logged("a:close false"));
    assert!(weak.upgrade().is_none(), "released once closed");
}

#[test]
fn pipes_end_by_closing_and_hup_short_read_is_eof() {
    let (w, writer, _, r) = pipe_writer(StreamOpts::pipe());
    let opts = StreamOpts { hup_short_read_is_eof: true, ..StreamOpts::pipe() };
    let reader = socket_stream(&w, "r", r, opts);
    reader.s().read_start();
    writer.s().write(b"through".to_vec(), Some(1));
    writer.s().end();
    w.run_until(|w| w.logged("r:end"));
    let log = w.log();
    assert!(log.contains(&"w:finish".to_string()) && log.contains(&"w:written 1".to_string()), "{log:?}");
    let reads: Vec<&String> = log.iter().filter(|l| l.starts_with("r:")).collect();
    assert_eq!(reads, ["r:data through", "r:end"]);
    assert_eq!(writer.s().raw_fd(), None, "end closed the write end");
}

#[test]
fn pipe_with_no_reader_is_epipe() {
    let (w, _p, s, r) = pipe_writer(StreamOpts::pipe());
    drop(r);
    assert!(s.write(b"x".to_vec(), Some(1)));
    w.run_until(|w| w.logged("w:close true"));
    assert_eq!(w.log(), ["w:written 1 write EPIPE", "w:error write EPIPE", "w:close true"]);
}

#[test]
fn passes_descriptors_and_holds_writes_until_ack() {
    let opts = StreamOpts { kind: Kind::UnixFds, read_size: ReadSize::Reused(4096), ..StreamOpts::socket() };
    let (w, _p, s, b) = socket_world(opts);
    let peer = socket_stream(&w, "b", b, opts);
    s.hold_writes_until_ack(true);
    let (keep, pass) = socketpair();
    s.write_with_fd(b"handle\n".to_vec(), pass, Some(1));
    s.write(b"after\n".to_vec(), Some(2));
    assert_eq!(s.writable_length(), 6, "held behind the gate");
    peer.s().read_start();
    w.run_until(|w| w.logged("b:read handle\n fds 1"));
    for _ in 0..2 {
        w.turn(10);
    }
    assert!(!w.log().iter().any(|l| l.contains("after")), "{:?}", w.log());
    s.ack();
    w.run_until(|w| w.logged("b:read after\n fds 0"));
    assert_eq!(w.log().iter().filter(|l| l.starts_with("a:")).collect::<Vec<_>>(), ["a:written 1", "a:written 2"]);
    drop(keep);
}

fn listener() -> (OwnedFd, Endpoint) {
    let l = sys::listen_tcp("127.0.0.1:0".parse().expect("addr"), sys::BACKLOG, false).expect("listen");
    let at = sys::local(l.as_fd()).expect("bound");
    (l, at)
}

#[test]
fn connect_falls_back_over_addresses() {
    let w = World::new();
    let (l, good) = listener();
    let (dead, refused) = listener();
    drop(dead);
    let p = socket_stream_idle(&w);
    let s = p.s();
    s.write(b"early".to_vec(), Some(1));
    s.connect(vec![refused, good.clone()]);
    assert_eq!(s.phase(), Phase::Connecting);
    assert_eq!(w.alive(), 1, "a connect holds the loop");
    w.run_until(|w| w.logged("c:connect"));
    assert_eq!(s.phase(), Phase::Open);
    assert_eq!(s.remote(), Some(good));
    w.run_until(|w| w.logged("c:written 1"));
    drop(l);
}

#[test]
fn connect_errors_come_from_the_poll_phase() {
    let w = World::new();
    let path = std::env::temp_dir().join(format!("procbox-stream-{}.sock", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let p = socket_stream_idle(&w);
    p.s().connect(vec![Endpoint::Unix(path.clone())]);
    assert!(w.log().is_empty(), "not from inside connect()");
    w.run_until(|w| w.logged("c:close true"));
    assert_eq!(w.log(), ["c:error connect ENOENT", "c:close true"]);
    assert_eq!(w.alive(), 0);
}

fn socket_stream_idle(w: &World) -> std::rc::Rc<Probe> {
    let io = w.io.clone();
    Probe::with("c", |to| super::stream::Stream::new(&io, StreamOpts::socket(), to))
}

#[test]
fn exit_flush_writes_what_is_queued() {
    let (w, p, s, b) = socket_world(StreamOpts::socket());
    let total = 1 << 20;
    assert!(!s.write(vec![b'z'; total], None));
    s.set_flush_names(("message", "channel"));
    let backlog = super::flush::Pending::backlog(&*s);
    assert_eq!((backlog.items, backlog.unit), (1, "message"));
    assert!(backlog.bytes > 0 && backlog.bytes < total, "partly written at once");
    assert_eq!(super::flush::Pending::peer(&*s), "a channel");
    let reader = std::thread::spawn(move || {
        let mut got = 0;
        let mut buf = vec![0u8; 65536];
        while got < total {
            let _ = crate::sys::process::wait_ready(&[(b.as_fd(), crate::sys::process::PollFlags::POLLIN)], 1000);
            match nix::unistd::read(&b, &mut buf) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(_) => {}
            }
        }
        got
    });
    let rule = Rule { idle: std::time::Duration::from_secs(5) };
    let mut warned = Vec::new();
    w.q.flush.run(rule, &mut |l| warned.push(l.to_string()));
    assert!(warned.is_empty(), "{warned:?}");
    assert_eq!(s.writable_length(), 0);
    drop(p);
    drop(s);
    assert_eq!(reader.join().expect("reader"), total);
}
