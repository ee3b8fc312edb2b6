//! node-ipc connections in the process's exit flush (`crate::io::flush`): an emit
//! made just before `process.exit()` is still delivered (node-ipc 9.x loses it),
//! under the one deadline rule every writer shares.

use std::io;
use std::os::fd::RawFd;
use std::rc::Rc;

use super::conn::{Conn, Phase};
use crate::io::flush::{Backlog, Pending};
use crate::runtime::State;

pub fn track(st: &Rc<State>, conn: &Rc<Conn>) {
    let strong: Rc<dyn Pending> = conn.clone();
    st.exit_flush.register(Rc::downgrade(&strong));
}

impl Pending for Conn {
    fn flush_fd(&self) -> Option<RawFd> {
        (self.phase.get() == Phase::Open && !self.queue.borrow().is_empty()).then(|| self.fd.get())
    }

    fn write_now(&self) -> io::Result<usize> {
        self.queue.borrow_mut().send_now(self.fd.get())
    }

    fn backlog(&self) -> Backlog {
        let q = self.queue.borrow();
        Backlog { items: q.chunks(), bytes: q.len(), unit: "message" }
    }

    fn peer(&self) -> String {
        match self.remote().map(|r| r.describe()).filter(|d| !d.is_empty()) {
            Some(to) => format!("the node-ipc connection to {to}"),
            None => "a node-ipc connection".into(),
        }
    }
}
