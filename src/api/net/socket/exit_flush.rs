//! `net` sockets in the process's exit flush (`crate::io::flush`): what `write()`
//! queued before `process.exit()` (or before the loop ran dry with a peer that was
//! slow to read) is still delivered, under the one deadline rule every writer
//! shares. Node drops it; a socket still connecting has nothing to flush.

use std::io;
use std::os::fd::RawFd;
use std::rc::Rc;

use super::{Phase, SocketInner};
use crate::io::flush::{Backlog, Pending};

impl SocketInner {
    /// A consumer (node-ipc) names its writes and itself in the exit flush's warnings.
    fn flush_names(&self) -> (&'static str, &'static str) {
        self.consumer.borrow().as_ref().map_or(("write", "socket"), |c| c.flush_names())
    }
}

pub(super) fn track(s: &Rc<SocketInner>) {
    let strong: Rc<dyn Pending> = s.clone();
    s.st.exit_flush.register(Rc::downgrade(&strong));
}

impl Pending for SocketInner {
    fn flush_fd(&self) -> Option<RawFd> {
        let open = self.phase.get() == Phase::Open && !self.destroyed.get() && self.fd.get() >= 0;
        (open && !self.queue.borrow().is_empty()).then(|| self.fd.get())
    }

    fn write_now(&self) -> io::Result<usize> {
        self.queue.borrow_mut().send_now(self.fd.get())
    }

    fn backlog(&self) -> Backlog {
        let q = self.queue.borrow();
        Backlog { items: q.chunks(), bytes: q.len(), unit: self.flush_names().0 }
    }

    fn peer(&self) -> String {
        let what = self.flush_names().1;
        match self.remote.borrow().as_ref().map(|r| r.describe()).filter(|d| !d.is_empty()) {
            Some(to) => format!("the {what} to {to}"),
            None => format!("a {what}"),
        }
    }
}
