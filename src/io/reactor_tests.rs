//! Tests of [`super::Reactor`] on real pipes, with a recording context.

use std::cell::RefCell;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::rc::{Rc, Weak};

use super::*;
use crate::sys::fd::{dev_null, pipe, write_some};

/// The context: what each source was told, in order.
#[derive(Default)]
struct Log(RefCell<Vec<(&'static str, Ready)>>);

struct Named(&'static str);

impl Source<Log> for Named {
    fn on_ready(&self, cx: &Log, ready: Ready) {
        cx.0.borrow_mut().push((self.0, ready));
    }
}

fn reactor() -> Reactor<Log> {
    Reactor::new(Rc::default()).unwrap()
}

/// Opens a source named `name` and watches `fd` for reading under its token.
fn watch(r: &Reactor<Log>, fd: BorrowedFd, name: &'static str) -> Token {
    let t = r.open(Rc::new(Named(name)));
    r.set_interest(fd, t, Interest::READ).unwrap();
    t
}

/// A reactor watching the read end of a new pipe: (reactor, token, read end, write end).
fn watched_pipe(name: &'static str) -> (Reactor<Log>, Token, OwnedFd, OwnedFd) {
    let r = reactor();
    let (rd, wr) = pipe().unwrap();
    let t = watch(&r, rd.as_fd(), name);
    (r, t, rd, wr)
}

fn run(r: &Reactor<Log>, timeout: i32) -> Vec<(&'static str, Ready)> {
    let log = Log::default();
    for ready in r.wait(timeout).unwrap() {
        r.dispatch(&log, ready);
    }
    log.0.into_inner()
}

#[test]
fn a_pipe_becomes_readable_and_its_source_is_called() {
    let (r, t, _rd, wr) = watched_pipe("pipe");
    assert!(run(&r, 0).is_empty());
    write_some(wr.as_fd(), b"x").unwrap();
    let got = run(&r, 1000);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0, "pipe");
    assert_eq!(got[0].1, Ready { token: t, readable: true, writable: false, hangup: false });
}

#[test]
fn an_empty_interest_unwatches_but_the_handle_stays_open() {
    let (r, t, rd, wr) = watched_pipe("pipe");
    drop(wr);
    let got = run(&r, 1000);
    assert!(got.len() == 1 && got[0].1.hangup, "hung up: {:?}", got.first().map(|g| g.1));
    // Paused: epoll would report HUP even for an empty mask; DEL means no spin.
    r.set_interest(rd.as_fd(), t, Interest::NONE).unwrap();
    assert!(run(&r, 0).is_empty());
    assert!(r.is_open(t));
    r.set_interest(rd.as_fd(), t, Interest::READ).unwrap();
    assert_eq!(run(&r, 0).len(), 1, "watched again");
}

#[test]
fn the_table_owns_an_open_source_until_close() {
    let r = reactor();
    let (rd, _wr) = pipe().unwrap();
    let src = Rc::new(Named("owned"));
    let weak: Weak<Named> = Rc::downgrade(&src);
    let t = r.open(src);
    r.set_interest(rd.as_fd(), t, Interest::READ).unwrap();
    assert!(weak.upgrade().is_some(), "nobody else holds it: the table does");
    r.close(rd.as_fd(), t);
    assert!(weak.upgrade().is_none());
    assert!(!r.is_open(t));
    assert_eq!(r.set_interest(rd.as_fd(), t, Interest::READ), Err(Errno::EBADF));
    assert_eq!(r.open_count(), 0);
}

#[test]
fn a_descriptor_epoll_refuses_is_always_ready() {
    let r = reactor();
    let t = r.open(Rc::new(Named("null")));
    r.set_interest(dev_null().unwrap(), t, Interest::READ).unwrap();
    // -1 would block forever on epoll alone: the always-ready one makes it 0.
    let got = run(&r, -1);
    assert_eq!(got.len(), 1);
    assert!(got[0].1.readable && got[0].1.writable);
    r.set_interest(dev_null().unwrap(), t, Interest::NONE).unwrap();
    assert!(run(&r, 0).is_empty());
}

#[test]
fn a_descriptor_watched_again_under_a_new_token_reports_the_new_one() {
    let (r, _old, rd, wr) = watched_pipe("old");
    watch(&r, rd.as_fd(), "new");
    write_some(wr.as_fd(), b"x").unwrap();
    let got = run(&r, 1000);
    assert_eq!(got.iter().map(|g| g.0).collect::<Vec<_>>(), ["new"]);
}

/// Closes its own handle from inside `on_ready`.
struct SelfClosing {
    fd: std::os::fd::OwnedFd,
    token: std::cell::Cell<Token>,
    reactor: Weak<Reactor<Log>>,
}

impl Source<Log> for SelfClosing {
    fn on_ready(&self, cx: &Log, ready: Ready) {
        cx.0.borrow_mut().push(("self", ready));
        if let Some(r) = self.reactor.upgrade() {
            r.close(self.fd.as_fd(), self.token.get());
        }
    }
}

#[test]
fn a_source_may_close_its_handle_while_called() {
    let r = Rc::new(reactor());
    let (rd, wr) = pipe().unwrap();
    let src = Rc::new(SelfClosing { fd: rd, token: Default::default(), reactor: Rc::downgrade(&r) });
    let weak = Rc::downgrade(&src);
    let t = r.open(src.clone());
    src.token.set(t);
    r.set_interest(src.fd.as_fd(), t, Interest::READ).unwrap();
    drop(src);
    write_some(wr.as_fd(), b"x").unwrap();
    assert_eq!(run(&r, 1000).len(), 1);
    assert!(weak.upgrade().is_none(), "closed, so no longer owned");
    assert!(run(&r, 0).is_empty());
}

/// The probe of `a_mirrored_descriptor_...`: whether its pipe may hold a byte.
static MAY_BE_READY: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn may_be_ready() -> bool {
    MAY_BE_READY.load(std::sync::atomic::Ordering::SeqCst)
}

#[test]
fn quiet_only_when_the_mirrored_are_all_epoll_watches_and_their_probes_are_false() {
    use std::sync::atomic::Ordering::SeqCst;
    let (r, t, rd, wr) = watched_pipe("mirrored");
    assert!(!r.quiet(), "an unmirrored descriptor is watched");
    r.mirror(t, may_be_ready);
    assert!(r.quiet(), "only the mirrored one, its probe false");
    // A byte the probe does not know of (in use it never errs so): a wait, made,
    // still reports it.
    write_some(wr.as_fd(), b"x").unwrap();
    assert_eq!(run(&r, 0).len(), 1, "a wait made asks epoll as before");
    MAY_BE_READY.store(true, SeqCst);
    assert!(!r.quiet(), "the probe says it may be ready");
    MAY_BE_READY.store(false, SeqCst);
    // Another descriptor watched (an empty pipe): not quiet while it is.
    let (other_rd, _other_wr) = pipe().unwrap();
    let other = watch(&r, other_rd.as_fd(), "other");
    assert!(!r.quiet(), "an unmirrored descriptor is watched");
    r.set_interest(other_rd.as_fd(), other, Interest::NONE).unwrap();
    assert!(r.quiet(), "unwatched again");
    r.set_interest(other_rd.as_fd(), other, Interest::READ).unwrap();
    assert!(!r.quiet());
    // Closed without an unwatch (its descriptor went first): its count goes with it.
    drop(other_rd);
    r.close_token(other);
    assert!(r.quiet(), "closed");
    // A descriptor epoll refuses is always ready.
    let null = dev_null().unwrap();
    let always = watch(&r, null, "null");
    assert!(!r.quiet(), "an always-ready descriptor");
    r.close(null, always);
    assert!(r.quiet());
    // The mirrored one closed: nothing watched, nothing probed.
    r.close(rd.as_fd(), t);
    MAY_BE_READY.store(true, SeqCst);
    assert!(r.quiet(), "its probe went with it");
    MAY_BE_READY.store(false, SeqCst);
}
