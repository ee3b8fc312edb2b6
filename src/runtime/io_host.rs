//! The runtime as the I/O core's host (`io::events::Host`): core events become
//! [`Task::Io`] tasks (a tick, a close-phase task, or a timer), each run once with the
//! runtime as the handler's context. The core's reactor is the runtime's.

use std::cell::Cell;
use std::rc::{Rc, Weak};

use super::{Runtime, State, Task};
use crate::event_loop::TimerId;
use crate::io::events::{Event, Handler, Host, Io, When};
use crate::io::flush::Pending;

/// Core work: an event for a handler (false when script it called threw, see
/// `Handler::event`), or a core timer's callback. An event is kept as it is, not
/// boxed in a closure: one allocation per posted event (write completions come
/// one per write).
enum Work {
    Event(Rc<dyn Handler<Runtime>>, Event),
    Timer(Box<dyn FnOnce(&Runtime)>),
}

/// One piece of core work for the loop to run once.
pub struct Posted(Cell<Option<Work>>);

impl Posted {
    fn task(w: Work) -> Task {
        Task::Io(Rc::new(Posted(Cell::new(Some(w)))))
    }

    /// Runs the work (once); false when script it called threw, so the drain that
    /// runs it as a tick stops there.
    pub(super) fn run(&self, rt: &Runtime) -> bool {
        match self.0.take() {
            Some(Work::Event(to, ev)) => to.event(rt, ev),
            Some(Work::Timer(f)) => {
                f(rt);
                true
            }
            None => true,
        }
    }
}

struct RtHost(Weak<State>);

impl Host<Runtime> for RtHost {
    fn post(&self, when: When, to: Rc<dyn Handler<Runtime>>, ev: Event) {
        let Some(st) = self.0.upgrade() else { return };
        let task = Posted::task(Work::Event(to, ev));
        match when {
            When::Now | When::Tick => st.next_tick(task),
            When::Close => st.close_later(task),
        }
    }

    fn after(&self, ms: u64, f: Box<dyn FnOnce(&Runtime)>) -> TimerId {
        let st = self.0.upgrade().expect("the runtime outlives its I/O");
        st.timer_start_unref(ms, Posted::task(Work::Timer(f)))
    }

    fn cancel(&self, id: TimerId) {
        if let Some(st) = self.0.upgrade() {
            st.timer_clear(id);
        }
    }

    fn after_event(&self, rt: &Runtime, ok: bool) {
        rt.after_callback(ok);
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

/// The I/O core's context for this runtime.
pub(super) fn make(st: &Rc<State>) -> Io<Runtime> {
    Io { reactor: st.reactor().clone(), host: Rc::new(RtHost(Rc::downgrade(st))) }
}
