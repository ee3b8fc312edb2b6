//! `Stream` over pipes with the options a child's stdio uses (`StreamOpts::pipe()`):
//! reads that grow with the pipe (`ReadSize::Adaptive`, `F_SETPIPE_SZ`), a short
//! read ending the wake-up, `end()` as finish-then-close, and `error` on a tick.

use std::cell::RefCell;
use std::os::fd::{AsFd, OwnedFd};
use std::rc::Rc;

use super::events::Event;
use super::stream::StreamOpts;
use super::stream_testkit::*;
use crate::sys::fd::BIG_PIPE;

const K: usize = 1024;

fn pipe_size(fd: &OwnedFd) -> usize {
    nix::fcntl::fcntl(fd.as_fd(), nix::fcntl::FcntlArg::F_GETPIPE_SZ).expect("F_GETPIPE_SZ") as usize
}

/// Writes `n` bytes into the (non-blocking) pipe; they must all fit.
fn fill(fd: &OwnedFd, n: usize) {
    assert_eq!(nix::unistd::write(fd, &vec![b'x'; n]).expect("write"), n, "the pipe holds {n} bytes");
}

/// Stream `r` on the read end of a pipe, its `Data` sizes recorded; the last item is
/// the write end.
fn reader() -> (World, Rc<Probe>, Rc<RefCell<Vec<usize>>>, OwnedFd) {
    let (r, wr) = pipe();
    let (w, p, _, wr) = world_with("r", r, wr, StreamOpts::pipe());
    let sizes = Rc::new(RefCell::new(Vec::new()));
    let seen = sizes.clone();
    p.on(move |_, ev| {
        if let Event::Data(b) = ev {
            seen.borrow_mut().push(b.len());
        }
    });
    (w, p, sizes, wr)
}

#[test]
fn a_full_read_grows_the_pipe_and_the_reads() {
    let (w, p, sizes, wr) = reader();
    let s = p.s();
    s.read_start();
    assert_eq!(s.read_size.get(), 64 * K, "reads start at 64 KiB");
    fill(&wr, pipe_size(&wr).min(64 * K));
    w.turn(50);
    let grown = pipe_size(&wr);
    assert!(grown > 64 * K || s.read_size.get() == 128 * K, "pipe {grown}, reads {}", s.read_size.get());
    if grown >= BIG_PIPE {
        assert_eq!(s.read_size.get(), BIG_PIPE, "the reads follow the pipe to 1 MiB");
        // One wake-up: a full 64 KiB read goes on, the short one after it stops.
        sizes.borrow_mut().clear();
        fill(&wr, 200 * K);
        w.turn(50);
        assert_eq!(*sizes.borrow(), [200 * K], "one read of everything");
        assert_eq!(s.read_size.get(), BIG_PIPE, "a short read changes nothing");
    }
}

#[test]
fn a_short_read_ends_the_wake_up_a_full_one_reads_on() {
    let (w, p, sizes, wr) = reader();
    // A big pipe before the stream reads it: its first read (64 KiB) comes back full.
    let _ = crate::sys::fd::grow_pipe(wr.as_fd(), 256 * K);
    if pipe_size(&wr) < 256 * K {
        return; // the user's pipe quota is spent: nothing to show here
    }
    p.s().read_start();
    fill(&wr, 100 * K);
    w.turn(50);
    let got = sizes.borrow().clone();
    assert_eq!(got.first(), Some(&(64 * K)), "{got:?}");
    assert_eq!(got.iter().sum::<usize>(), 100 * K, "the full read went on to the rest: {got:?}");
    assert!(p.s().read_size.get() >= 128 * K);
}

#[test]
fn a_short_read_with_the_writer_gone_is_the_end() {
    let (w, p, sizes, wr) = reader();
    p.s().read_start();
    fill(&wr, 10);
    drop(wr);
    w.run_until(|w| w.logged("r:end"));
    assert_eq!(*sizes.borrow(), [10]);
    assert_eq!(w.log().last().map(String::as_str), Some("r:end"));
}

#[test]
fn end_finishes_on_a_tick_once_written_then_closes() {
    let (w, _p, s, r) = pipe_writer(StreamOpts::pipe());
    let size = pipe_size(&r);
    assert!(!s.write(vec![b'y'; size + 20 * K], Some(1)), "over the high-water mark after what the pipe took");
    s.end();
    assert!(s.raw_fd().is_some(), "open while bytes wait");
    w.turn(0);
    assert!(w.log().is_empty(), "nothing until the pipe has room: {:?}", w.log());
    assert_eq!(drain_peer(&r).len(), size);
    w.run_until(|w| w.logged("w:close false"));
    // No `drain` once `end()` was called (Node's afterWrite).
    assert_eq!(w.log(), ["w:written 1", "w:finish", "w:close false"]);
    assert_eq!(drain_peer(&r).len(), 20 * K, "the rest, then EOF");
    assert!(s.destroyed() && s.finished());
}

#[test]
fn end_with_nothing_queued_finishes_at_once() {
    let (w, _p, s, r) = pipe_writer(StreamOpts::pipe());
    s.end();
    assert_eq!(s.raw_fd(), None, "closed at once: the reader sees EOF");
    assert!(drain_peer(&r).is_empty());
    w.run_until(|w| w.logged("w:close false"));
    assert_eq!(w.log(), ["w:finish", "w:close false"]);
}

#[test]
fn error_on_tick_comes_before_the_close_phase() {
    let (w, _p, s, r) = pipe_writer(StreamOpts { error_on_tick: true, ..StreamOpts::pipe() });
    drop(r);
    // A close-phase event queued before the failure: with the error in the close
    // phase it would come after this one; on a tick it comes first.
    let (r2, other_wr) = pipe();
    drop(r2);
    let other = socket_stream(&w, "o", other_wr, StreamOpts::pipe());
    other.s().destroy(None);
    s.write(b"x".to_vec(), Some(1));
    w.run_until(|w| w.logged("w:close true"));
    assert_eq!(w.log(), ["w:written 1 write EPIPE", "w:error write EPIPE", "o:close false", "w:close true"]);
}
