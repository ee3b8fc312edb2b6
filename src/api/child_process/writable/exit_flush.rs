//! A writable stream (a child's stdin) in the process's exit flush
//! (`crate::io::flush`): what `write()` queued before `process.exit()` still reaches
//! the child, under the one deadline rule every writer shares (Node drops it).

use std::io;
use std::os::fd::BorrowedFd;
use std::rc::Rc;

use super::WritableInner;
use crate::io::flush::{Backlog, Pending};

pub(super) fn track(w: &Rc<WritableInner>) {
    let strong: Rc<dyn Pending> = w.clone();
    w.st.exit_flush.register(Rc::downgrade(&strong));
}

impl Pending for WritableInner {
    fn flush_fd(&self, f: &mut dyn FnMut(BorrowedFd<'_>)) {
        if !self.destroyed.get()
            && !self.queue.borrow().is_empty()
            && let Some(h) = self.handle.borrow().as_ref()
        {
            f(h.fd());
        }
    }

    fn write_now(&self) -> io::Result<usize> {
        let mut q = self.queue.borrow_mut();
        let mut written = 0;
        while let Some(front) = q.front_mut() {
            let n = self.write_now(&front.data[front.done..])?;
            front.done += n;
            written += n;
            self.queued.set(self.queued.get() - n);
            if front.done < front.data.len() {
                break;
            }
            q.pop_front();
        }
        Ok(written)
    }

    fn backlog(&self) -> Backlog {
        Backlog { items: self.queue.borrow().len(), bytes: self.queued.get(), unit: "write" }
    }

    fn peer(&self) -> String {
        self.peer.borrow().clone()
    }
}
