//! The exit flush over real socketpairs: everything reaches a reading peer, two
//! writers that both exit with a full buffer do not wait for each other, a peer that
//! reads nothing is given up on after the idle time with one warning, a closed peer
//! is dropped quietly.

use std::cell::{Cell, RefCell};
use std::io::Read;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::rc::Rc;
use std::time::{Duration, Instant};

use super::*;
use crate::sys::errno::Errno;
use crate::sys::{fd, socket};

/// Queued bytes in messages of `size`, written with send(2).
struct TestWriter {
    fd: OwnedFd,
    data: Vec<u8>,
    size: usize,
    sent: Cell<usize>,
}

impl TestWriter {
    fn new(fd: OwnedFd, bytes: usize, size: usize) -> Rc<TestWriter> {
        fd::set_nonblocking(fd.as_fd(), true).unwrap();
        let data = (0..bytes).map(|i| (i % 251) as u8).collect();
        Rc::new(TestWriter { fd, data, size, sent: Cell::new(0) })
    }
}

impl Pending for TestWriter {
    fn flush_fd(&self, f: &mut dyn FnMut(BorrowedFd<'_>)) {
        if self.sent.get() < self.data.len() {
            f(self.fd.as_fd());
        }
    }

    fn write_now(&self) -> SysResult<usize> {
        let mut total = 0;
        while self.sent.get() < self.data.len() {
            match socket::sendmsg(self.fd.as_fd(), &self.data[self.sent.get()..], None) {
                Ok(n) => {
                    self.sent.set(self.sent.get() + n);
                    total += n;
                }
                Err(Errno::EAGAIN) => break,
                Err(e) => return Err(e),
            }
        }
        Ok(total)
    }

    fn backlog(&self) -> Backlog {
        let left = self.data.len() - self.sent.get();
        let items = self.data.len().div_ceil(self.size) - self.sent.get() / self.size;
        Backlog { items, bytes: left, unit: "message" }
    }

    fn peer(&self) -> String {
        "the test peer".into()
    }
}

fn pair() -> (OwnedFd, OwnedFd) {
    let (a, b) = UnixStream::pair().unwrap();
    (a.into(), b.into())
}

fn run(writers: Vec<Rc<dyn Pending>>, idle_ms: u64) -> (Vec<String>, Duration) {
    let flush = ExitFlush::default();
    for w in &writers {
        flush.register(Rc::downgrade(w));
    }
    drop(writers);
    let warnings = RefCell::new(Vec::new());
    let t0 = Instant::now();
    flush.run(Rule { idle: Duration::from_millis(idle_ms) }, &mut |l| warnings.borrow_mut().push(l.to_string()));
    (warnings.into_inner(), t0.elapsed())
}

const MIB: usize = 1 << 20;

/// A writer with 1 MiB queued (1000-byte messages) to a peer that stays open and reads
/// nothing, flushed under an idle time of `idle_ms`: the writer, the warnings, the time taken.
fn unread_peer(idle_ms: u64) -> (Rc<TestWriter>, Vec<String>, Duration) {
    let (a, _b) = pair();
    let w = TestWriter::new(a, MIB, 1000);
    let (warnings, took) = run(vec![w.clone()], idle_ms);
    (w, warnings, took)
}

#[test]
fn a_reading_peer_gets_everything() {
    let (a, b) = pair();
    let reader = std::thread::spawn(move || {
        let mut got = Vec::new();
        UnixStream::from(b).read_to_end(&mut got).unwrap();
        got
    });
    let w = TestWriter::new(a, 4 * MIB, 1000);
    let expected = w.data.clone();
    let keep = w.clone();
    let (warnings, _) = run(vec![w], 5000);
    drop(keep);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(reader.join().unwrap() == expected, "every byte arrives, in order");
}

/// Two processes each with 1 MiB queued, exiting at once: each flush reads (and
/// drops) what the other sends, so both finish, with nobody given up on. The first
/// to finish has written everything; then it is gone (its thread drops its end, as
/// an exiting process would), and the other stops at the EPIPE, quietly.
#[test]
fn two_exiting_writers_do_not_wait_for_each_other() {
    let (a, b) = pair();
    let side = |fd: OwnedFd| {
        std::thread::spawn(move || {
            let w = TestWriter::new(fd, MIB, 1000);
            let keep = w.clone();
            let (warnings, took) = run(vec![w], 20_000);
            (warnings, took, keep.sent.get())
        })
    };
    let (ta, tb) = (side(a), side(b));
    let mut most = 0;
    for t in [ta, tb] {
        let (warnings, took, sent) = t.join().unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(took < Duration::from_secs(10), "took {took:?}");
        most = most.max(sent);
    }
    assert_eq!(most, MIB);
}

#[test]
fn a_peer_that_reads_nothing_is_given_up_on_after_the_idle_time() {
    let (keep, warnings, took) = unread_peer(200);
    assert!(took >= Duration::from_millis(200), "took {took:?}");
    assert!(took < Duration::from_secs(5), "took {took:?}");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let left = keep.backlog();
    assert!(left.bytes > 0);
    let line = &warnings[0];
    assert!(line.starts_with("procbox: gave up delivering "), "{line}");
    assert!(line.contains(&format!("{} messages", left.items)), "{line}");
    assert!(line.ends_with("to the test peer: the peer read nothing for 200 ms\n"), "{line}");
}

#[test]
fn a_closed_peer_is_dropped_quietly_and_at_once() {
    let (a, b) = pair();
    drop(b);
    let (warnings, took) = run(vec![TestWriter::new(a, MIB, 1000)], 20_000);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

#[test]
fn a_zero_deadline_writes_what_fits_and_waits_for_nothing() {
    let (keep, warnings, took) = unread_peer(0);
    assert!(keep.sent.get() > 0, "what the socket takes at once is written");
    assert_eq!(warnings.len(), 1);
    assert!(took < Duration::from_secs(2), "took {took:?}");
}

#[test]
fn writers_dropped_before_the_exit_are_skipped() {
    let flush = ExitFlush::default();
    for _ in 0..100 {
        let (a, _b) = pair();
        let w: Rc<dyn Pending> = TestWriter::new(a, 10, 10);
        flush.register(Rc::downgrade(&w));
    }
    assert!(flush.writers.borrow().len() < 100, "dead entries are cleaned as the list grows");
    flush.run(Rule { idle: Duration::ZERO }, &mut |l| panic!("nobody is left to warn about: {l}"));
}
