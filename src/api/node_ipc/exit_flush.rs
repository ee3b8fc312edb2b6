//! What is still queued when the process exits is written first, within a deadline:
//! node-ipc loses messages emitted just before `process.exit()`. Every connection is
//! tracked (weakly) here, and one exit hook per process flushes them all.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use std::time::{Duration, Instant};

use super::conn::Conn;
use crate::runtime::State;

/// The longest the exit waits for slow peers, all connections together.
const DEADLINE: Duration = Duration::from_secs(2);

thread_local! {
    static LIVE: RefCell<Vec<Weak<Conn>>> = const { RefCell::new(Vec::new()) };
    static HOOKED: Cell<bool> = const { Cell::new(false) };
}

pub fn track(st: &Rc<State>, conn: &Rc<Conn>) {
    LIVE.with(|l| {
        let mut l = l.borrow_mut();
        l.retain(|w| w.strong_count() > 0);
        l.push(Rc::downgrade(conn));
    });
    if !HOOKED.with(|h| h.replace(true)) {
        st.at_exit.borrow_mut().push(Rc::new(flush_all));
    }
}

fn flush_all() {
    let deadline = Instant::now() + DEADLINE;
    let conns: Vec<Rc<Conn>> = LIVE.with(|l| l.borrow().iter().filter_map(Weak::upgrade).collect());
    for c in conns {
        if !c.flush_blocking(deadline) {
            return;
        }
    }
}
