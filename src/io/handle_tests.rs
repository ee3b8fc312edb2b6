//! Tests of [`super::Handle`]: its descriptor closes only with it, and it holds the
//! loop iff active and ref'd.

use std::cell::RefCell;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::rc::Rc;

use super::*;
use crate::event_loop::Counts;
use crate::io::reactor::Ready;
use crate::sys::fd::{pipe, set_nonblocking, write_some};

/// The context: how many readiness reports the sources were given.
type Cx = RefCell<u32>;

struct Nothing;

impl Source<RefCell<u32>> for Nothing {
    fn on_ready(&self, cx: &RefCell<u32>, _: Ready) {
        *cx.borrow_mut() += 1;
    }
}

fn setup() -> (Rc<Counts>, Rc<Reactor<RefCell<u32>>>) {
    let live = Rc::new(Counts::default());
    let r = Rc::new(Reactor::new(live.clone()).unwrap());
    (live, r)
}

use crate::sys::fd::file_at;

/// An open handle on the read end of a new pipe (not watched, not active), with the
/// counts it holds in; the last item is the write end.
fn open_handle() -> (Rc<Counts>, Rc<Reactor<Cx>>, Handle<Cx>, OwnedFd) {
    let (live, r) = setup();
    let (rd, wr) = pipe().unwrap();
    let h = Handle::new(rd, &r);
    h.open(Rc::new(Nothing));
    (live, r, h, wr)
}

#[test]
fn close_unwatches_and_closes_the_descriptor() {
    let (_live, r) = setup();
    let (rd, wr) = pipe().unwrap();
    let raw = rd.as_raw_fd();
    let h = Handle::new(rd, &r);
    assert_eq!(h.set_interest(Interest::READ), Err(Errno::EBADF), "not open yet");
    let t = h.open(Rc::new(Nothing));
    assert_eq!(h.token(), Some(t));
    h.set_interest(Interest::READ).unwrap();
    write_some(wr.as_fd(), b"x").unwrap();
    let cx = RefCell::new(0);
    for ready in r.wait(1000).unwrap() {
        r.dispatch(&cx, ready);
    }
    assert_eq!(*cx.borrow(), 1);
    let file = file_at(raw);
    assert!(file.is_some());
    h.close();
    assert_ne!(file_at(raw), file, "the OwnedFd closed with the handle");
    assert!(!r.is_open(t));
    assert!(r.wait(0).unwrap().is_empty());
}

#[test]
fn holds_the_loop_iff_active_and_refd() {
    let (live, _r, h, _wr) = open_handle();
    assert!(!h.holds() && !live.any());
    h.set_active(true);
    assert!(h.holds() && live.handles() == 1);
    h.set_active(true);
    assert_eq!(live.handles(), 1, "active twice holds once");
    h.set_ref(false);
    assert!(!h.holds() && !live.any());
    h.set_ref(true);
    assert_eq!(live.handles(), 1);
    h.close();
    assert!(!live.any(), "closing releases the loop");
}

#[test]
fn a_pending_request_counts_apart_and_ignores_ref() {
    let (live, _r, h, _wr) = open_handle();
    h.set_ref(false);
    assert!(!h.is_ref());
    h.set_pending(true);
    h.set_pending(true);
    assert!(h.is_pending() && !h.holds());
    assert_eq!((live.handles(), live.requests()), (0, 1), "unref'd, one request held once");
    h.set_active(true);
    h.set_ref(true);
    assert_eq!((live.handles(), live.requests()), (1, 1), "handles and requests counted apart");
    h.set_pending(false);
    assert_eq!((live.handles(), live.requests()), (1, 0));
    h.set_pending(true);
    h.close();
    assert!(!live.any(), "closing releases the hold and the request");
}

#[test]
fn a_handle_dropped_in_its_own_source_closes_cleanly() {
    // The binding owns its handle and is the handle's source: closing from inside
    // on_ready drops the table's reference to the binding while it runs.
    struct Binding(RefCell<Option<Handle<RefCell<u32>>>>);
    impl Source<RefCell<u32>> for Binding {
        fn on_ready(&self, cx: &RefCell<u32>, _: Ready) {
            *cx.borrow_mut() += 1;
            let h = self.0.borrow_mut().take();
            if let Some(h) = h {
                h.close();
            }
        }
    }
    let (live, r) = setup();
    let (rd, wr) = pipe().unwrap();
    set_nonblocking(rd.as_fd(), true).unwrap();
    let file = file_at(rd.as_raw_fd());
    let raw = rd.as_raw_fd();
    let b = Rc::new(Binding(RefCell::new(Some(Handle::new(rd, &r)))));
    let weak = Rc::downgrade(&b);
    {
        let guard = b.0.borrow();
        let h = guard.as_ref().unwrap();
        h.open(b.clone());
        h.set_interest(Interest::READ).unwrap();
        h.set_active(true);
    }
    drop(b);
    assert!(weak.upgrade().is_some(), "open: the table keeps the binding");
    write_some(wr.as_fd(), b"x").unwrap();
    let cx = RefCell::new(0);
    for ready in r.wait(1000).unwrap() {
        r.dispatch(&cx, ready);
    }
    assert_eq!(*cx.borrow(), 1);
    assert!(weak.upgrade().is_none() && file_at(raw) != file && !live.any());
}
