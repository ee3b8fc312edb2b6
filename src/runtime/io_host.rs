//! The runtime as the I/O core's host (`io::events::Host`) and, until the reactor of
//! issue 13 step S7 lands, its reactor (`io::stream_seam::Watch`) over the poller the
//! runtime already drives. Core events become [`Task::Io`] tasks: a tick, a close-phase
//! task, or a timer, each run once with the runtime as the handler's context.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::rc::{Rc, Weak};

use super::{Runtime, Source, State, Task};
use crate::event_loop::{Hold, Ready, Request, TimerId};
use crate::io::events::{Event, Handler, Host, Interest, Io, Watch, When};
use crate::io::flush::Pending;
use crate::sys::errno::{Errno, SysResult};

fn errno_of(e: std::io::Error) -> Errno {
    Errno::from_raw(e.raw_os_error().unwrap_or(libc::EIO))
}

type Work = Box<dyn FnOnce(&Runtime)>;

/// One piece of core work for the loop to run once.
pub struct Posted(Cell<Option<Work>>);

impl Posted {
    fn task(f: impl FnOnce(&Runtime) + 'static) -> Task {
        Task::Io(Rc::new(Posted(Cell::new(Some(Box::new(f))))))
    }

    pub(super) fn run(&self, rt: &Runtime) {
        if let Some(f) = self.0.take() {
            f(rt);
        }
    }
}

struct RtHost(Weak<State>);

impl Host<Runtime> for RtHost {
    fn post(&self, when: When, to: Rc<dyn Handler<Runtime>>, ev: Event) {
        let Some(st) = self.0.upgrade() else { return };
        let task = Posted::task(move |rt| to.event(rt, ev));
        match when {
            When::Now | When::Tick => st.next_tick(task),
            When::Close => st.close_later(task),
        }
    }

    fn after(&self, ms: u64, f: Box<dyn FnOnce(&Runtime)>) -> TimerId {
        let st = self.0.upgrade().expect("the runtime outlives its I/O");
        let mut lp = st.lp.borrow_mut();
        let now = lp.now();
        let id = lp.timers.start(ms, now, false, Posted::task(f));
        lp.timers.set_ref(id, false);
        id
    }

    fn cancel(&self, id: TimerId) {
        if let Some(st) = self.0.upgrade() {
            st.lp.borrow_mut().timers.clear(id);
        }
    }

    fn at_exit(&self, f: Box<dyn Fn()>) {
        if let Some(st) = self.0.upgrade() {
            st.at_exit.borrow_mut().push(Rc::from(f));
        }
    }

    fn flush_at_exit(&self, w: Weak<dyn Pending>) {
        if let Some(st) = self.0.upgrade() {
            st.exit_flush.register(w);
        }
    }
}

/// A core source as the runtime's poller source.
struct Bridge(Rc<dyn crate::io::events::Source<Runtime>>);

impl Source for Bridge {
    fn on_ready(&self, rt: &Runtime, ready: Ready) {
        self.0.on_ready(rt, ready);
    }
}

/// An open core source and the poller token it is watched under, if watched.
type Entry = (Rc<Bridge>, Option<u64>);

/// Open core sources.
struct RtWatch {
    st: Weak<State>,
    next: Cell<u64>,
    table: RefCell<HashMap<u64, Entry>>,
}

impl Watch<Runtime> for RtWatch {
    fn open(&self, src: Rc<dyn crate::io::events::Source<Runtime>>) -> u64 {
        let id = self.next.get() + 1;
        self.next.set(id);
        self.table.borrow_mut().insert(id, (Rc::new(Bridge(src)), None));
        id
    }

    fn set_interest(&self, fd: BorrowedFd, id: u64, i: Interest) -> SysResult<()> {
        let Some(st) = self.st.upgrade() else { return Ok(()) };
        let (bridge, watched) = match self.table.borrow().get(&id) {
            Some((b, w)) => (b.clone(), *w),
            None => return Ok(()),
        };
        let fd = fd.as_raw_fd();
        let now = match (i.is_empty(), watched) {
            (true, Some(t)) => {
                st.unwatch(fd, t);
                None
            }
            (true, None) => None,
            (false, None) => Some(st.watch(fd, bridge, i.read, i.write).map_err(errno_of)?),
            (false, Some(t)) => {
                st.lp.borrow_mut().poller.watch(fd, t, i.read, i.write).map_err(errno_of)?;
                Some(t)
            }
        };
        if let Some(entry) = self.table.borrow_mut().get_mut(&id) {
            entry.1 = now;
        }
        Ok(())
    }

    fn close(&self, id: u64) {
        // The stream unwatched its descriptor before closing it: only the entry goes.
        let gone = self.table.borrow_mut().remove(&id);
        drop(gone);
    }

    fn hold(&self) -> Hold {
        let st = self.st.upgrade().expect("the runtime outlives its I/O");
        st.hold()
    }

    fn request(&self) -> Request {
        let st = self.st.upgrade().expect("the runtime outlives its I/O");
        st.request()
    }
}

/// The I/O core's context for this runtime.
pub(super) fn make(st: &Rc<State>) -> Io<Runtime> {
    let w = Rc::downgrade(st);
    Io {
        reactor: Rc::new(RtWatch { st: w.clone(), next: Cell::new(0), table: RefCell::new(HashMap::new()) }),
        host: Rc::new(RtHost(w)),
    }
}
