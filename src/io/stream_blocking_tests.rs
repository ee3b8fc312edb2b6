//! `Stream` with blocking writes (`StreamOpts::blocking_output()`, what
//! `process.stdout`/`stderr` are): each write goes out whole inside the call, its
//! completion comes later on a tick, a failure maps to `write EPIPE` and leaves the
//! stream open, a descriptor someone made non-blocking is waited out, and nothing is
//! ever watched or holds the loop.

use std::os::fd::{AsFd, OwnedFd};
use std::thread::JoinHandle;

use super::events::IoError;
use super::stream::StreamOpts;
use super::stream_testkit::*;
use crate::sys::errno::Errno;
use crate::sys::fd as sysfd;

const K: usize = 1024;

/// Reads `fd` to its EOF on another thread (the pipe holds less than the writes).
fn read_all(fd: OwnedFd) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut out = Vec::new();
        let mut buf = vec![0u8; 64 * K];
        loop {
            match nix::unistd::read(&fd, &mut buf) {
                Ok(0) => return out,
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(Errno::EINTR) => {}
                Err(e) => panic!("read: {e}"),
            }
        }
    })
}

fn pattern(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i % 251) as u8).collect()
}

#[test]
fn a_write_goes_out_whole_in_the_call_and_completes_on_a_tick() {
    let w = World::new();
    let (r, wr) = sysfd::pipe().expect("pipe");
    let reader = read_all(r);
    let o = socket_stream(&w, "o", wr, StreamOpts::blocking_output());
    let s = o.s();
    let data = pattern(600 * K);
    assert_eq!(s.write_through(&data, Some(1)), Ok(()));
    // Everything went in the call: nothing queued, watched or held, and the
    // completion is not heard yet.
    assert_eq!(s.bytes().1, data.len() as u64);
    assert_eq!(s.writable_length(), 0);
    assert!(w.reactor.watched().is_empty(), "a write-only stream is never watched");
    assert_eq!(w.alive(), 0, "nothing keeps the loop alive");
    assert!(w.log().is_empty(), "completion before the tick: {:?}", w.log());
    assert!(s.write(b"tail".to_vec(), Some(2)), "write() takes the same path");
    assert_eq!(s.write_through(b"!", None), Ok(()));
    w.turn(0);
    assert_eq!(w.log(), ["o:written 1", "o:written 2"], "no completion for a write without one");
    s.destroy(None);
    let mut want = data;
    want.extend_from_slice(b"tail!");
    assert!(reader.join().expect("reader") == want, "the bytes arrive whole and in order");
}

#[test]
fn a_gone_reader_fails_each_write_as_epipe_and_the_stream_stays_open() {
    let w = World::new();
    let (r, wr) = sysfd::pipe().expect("pipe");
    drop(r);
    let o = socket_stream(&w, "o", wr, StreamOpts::blocking_output());
    let s = o.s();
    let epipe = IoError::sys(Errno::EPIPE, "write");
    assert_eq!(s.write_through(b"a", Some(1)), Err(epipe.clone()));
    assert!(!s.destroyed(), "a failed blocking write destroys nothing");
    assert!(!s.write(b"b".to_vec(), Some(2)), "the next write tries again and fails again");
    assert_eq!(s.write_through(b"c", None), Err(epipe));
    w.turn(0);
    assert_eq!(w.log(), ["o:written 1 write EPIPE", "o:written 2 write EPIPE"], "no error, no close");
    s.destroy(None);
    assert_eq!(s.write_through(b"d", Some(3)), Err(IoError::Destroyed));
    w.turn(0);
    assert_eq!(w.log()[2..], ["o:written 3 destroyed", "o:close false"]);
}

#[test]
fn a_descriptor_someone_made_non_blocking_is_waited_out() {
    let w = World::new();
    // Both ends non-blocking: the pipe's write end is full before the stream writes.
    let (r, wr) = pipe();
    let mut full = 0;
    while let Ok(n) = sysfd::write_some(wr.as_fd(), &[b'x'; 4096]) {
        if n == 0 {
            break;
        }
        full += n;
    }
    sysfd::set_nonblocking(r.as_fd(), false).expect("blocking reader");
    let reader = read_all(r);
    let o = socket_stream(&w, "o", wr, StreamOpts::blocking_output());
    let s = o.s();
    let data = pattern(300 * K);
    assert_eq!(s.write_through(&data, Some(1)), Ok(()), "EAGAIN is waited out, not an error");
    let nonblocking = s.with_fd(|fd| {
        let fl = nix::fcntl::fcntl(fd, nix::fcntl::FcntlArg::F_GETFL).expect("F_GETFL");
        nix::fcntl::OFlag::from_bits_retain(fl).contains(nix::fcntl::OFlag::O_NONBLOCK)
    });
    assert_eq!(nonblocking, Some(true), "the descriptor's flags are left as they were");
    assert!(w.reactor.watched().is_empty());
    w.turn(0);
    assert_eq!(w.log(), ["o:written 1"]);
    s.destroy(None);
    let got = reader.join().expect("reader");
    assert_eq!(got.len(), full + data.len());
    assert!(got[..full].iter().all(|&b| b == b'x') && got[full..] == data[..], "in order");
}

#[test]
fn a_descriptor_epoll_refuses_still_takes_writes() {
    // /dev/null cannot be watched (epoll says EPERM), as a regular file cannot: a
    // write-only blocking stream never asks, so stdout redirected to a file works.
    let w = World::new();
    let null: OwnedFd = std::fs::OpenOptions::new().write(true).open("/dev/null").expect("/dev/null").into();
    let o = socket_stream(&w, "o", null, StreamOpts::blocking_output());
    let s = o.s();
    assert!(!s.destroyed());
    assert_eq!(s.write_through(b"gone", Some(7)), Ok(()));
    w.turn(0);
    assert_eq!(w.log(), ["o:written 7"]);
    assert_eq!(w.alive(), 0);
}
