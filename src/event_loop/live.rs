//! Liveness by RAII: what keeps the loop alive besides its timers and immediates.
//!
//! A [`Hold`] is one active, ref'd handle (a watched socket, a running child, the
//! REPL's prompt); a [`Request`] is one operation in flight (an fs job), alive even when
//! its handle is unref'd. Both are guards: dropping one releases it, so a double release
//! cannot be written and a forgotten one is a leak the owner's drop ends. The counts are
//! `Cell`s behind an `Rc` shared by the loop and whoever hands out guards, not fields of
//! the loop's `RefCell`: a guard is taken and dropped anywhere (inside a callback, while
//! the loop is borrowed) without a `BorrowMutError`.

use std::cell::Cell;
use std::rc::Rc;

/// How many handles and requests keep the loop alive (libuv's `active_handles` and
/// `active_reqs`).
#[derive(Default, Debug)]
pub struct Counts {
    handles: Cell<usize>,
    requests: Cell<usize>,
}

impl Counts {
    /// Takes one handle's hold on the loop.
    pub fn hold(self: &Rc<Self>) -> Hold {
        self.handles.set(self.handles.get() + 1);
        Hold(self.clone())
    }

    /// Counts one request in flight.
    pub fn request(self: &Rc<Self>) -> Request {
        self.requests.set(self.requests.get() + 1);
        Request(self.clone())
    }

    /// Makes `slot` hold the loop iff `on` (a handle's "active and ref'd"); a slot
    /// already in that state keeps its guard, so holding twice holds once.
    pub fn set_hold(self: &Rc<Self>, slot: &Cell<Option<Hold>>, on: bool) {
        let cur = slot.take();
        slot.set(if on { cur.or_else(|| Some(self.hold())) } else { None });
    }

    /// Ref'd handles held now.
    #[cfg(test)]
    pub fn handles(&self) -> usize {
        self.handles.get()
    }

    /// Requests in flight now.
    #[cfg(test)]
    pub fn requests(&self) -> usize {
        self.requests.get()
    }

    /// Anything held or in flight (one branch for the loop's liveness check).
    pub fn any(&self) -> bool {
        self.handles.get() + self.requests.get() > 0
    }
}

/// One active, ref'd handle keeping the loop alive; dropping it releases it.
#[must_use = "the loop is held only while the Hold lives"]
#[derive(Debug)]
pub struct Hold(Rc<Counts>);

/// One request in flight keeping the loop alive; dropping it ends it.
#[must_use = "the request counts only while the Request lives"]
#[derive(Debug)]
pub struct Request(Rc<Counts>);

impl Drop for Hold {
    fn drop(&mut self) {
        let n = self.0.handles.get();
        debug_assert!(n > 0, "liveness: handle count underflow");
        self.0.handles.set(n.wrapping_sub(1));
    }
}

impl Drop for Request {
    fn drop(&mut self) {
        let n = self.0.requests.get();
        debug_assert!(n > 0, "liveness: request count underflow");
        self.0.requests.set(n.wrapping_sub(1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guards_count_and_release() {
        let c = Rc::new(Counts::default());
        assert!(!c.any());
        let a = c.hold();
        let b = c.hold();
        let r = c.request();
        assert_eq!((c.handles(), c.requests()), (2, 1));
        drop(a);
        assert_eq!(c.handles(), 1);
        drop(r);
        assert_eq!(c.requests(), 0);
        assert!(c.any());
        drop(b);
        assert!(!c.any());
    }

    #[test]
    fn slot_holds_once() {
        let c = Rc::new(Counts::default());
        let slot: Cell<Option<Hold>> = Cell::new(None);
        c.set_hold(&slot, true);
        c.set_hold(&slot, true);
        assert_eq!(c.handles(), 1, "holding twice holds once");
        c.set_hold(&slot, false);
        c.set_hold(&slot, false);
        assert_eq!(c.handles(), 0, "releasing twice releases once");
        c.set_hold(&slot, true);
        drop(slot);
        assert_eq!(c.handles(), 0, "dropping the owner releases");
    }
}
