//! The runtime as the I/O core's host (`io::events::Host`): core events become
//! [`Task::Io`] tasks (a tick or a close-phase task), each run once with the runtime
//! as the handler's context; the core's timers are unref'd loop timers and its exit
//! hooks run with the runtime's. The core's reactor is the runtime's.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use rhai::{Dynamic, Engine};

use super::{Runtime, State, Task};
use crate::io::events::{Event, Handler, Host, Io, When};
use crate::io::flush::Pending;

/// A core event for its handler, for the loop to deliver once. Kept as it is, not
/// boxed in a closure: one allocation per posted event (write completions come one
/// per write).
pub struct Posted(Cell<Option<Delivery>>);

/// A handler and the event it is to hear.
type Delivery = (Rc<dyn Handler<Runtime>>, Event);

impl Posted {
    fn task(to: Rc<dyn Handler<Runtime>>, ev: Event) -> Task {
        Task::Io(Rc::new(Posted(Cell::new(Some((to, ev))))))
    }

    /// Delivers the event (once); false when script the handler called threw (see
    /// `Handler::event`), so the drain that runs it as a tick stops there.
    pub(super) fn run(&self, rt: &Runtime) -> bool {
        match self.0.take() {
            Some((to, ev)) => to.event(rt, ev),
            None => true,
        }
    }
}

struct RtHost(Weak<State>);

impl Host<Runtime> for RtHost {
    fn post(&self, when: When, to: Rc<dyn Handler<Runtime>>, ev: Event) {
        let Some(st) = self.0.upgrade() else { return };
        let task = Posted::task(to, ev);
        match when {
            When::Now | When::Tick => st.next_tick(task),
            When::Close => st.close_later(task),
        }
    }

    fn after_event(&self, rt: &Runtime, ok: bool) {
        rt.after_callback(ok);
    }

    fn flush_at_exit(&self, w: Weak<dyn Pending>) {
        if let Some(st) = self.0.upgrade() {
            st.exit_flush.register(w);
        }
    }

    fn after(&self, ms: u64, f: Box<dyn FnOnce()>) {
        let Some(st) = self.0.upgrade() else { return };
        let f = RefCell::new(Some(f));
        let task = Task::Native(Rc::new(move |_: &Engine| {
            if let Some(f) = f.borrow_mut().take() {
                f();
            }
            Ok(Dynamic::UNIT)
        }));
        st.timer_start_unref(ms, task);
    }

    fn at_exit(&self, f: Box<dyn Fn()>) {
        if let Some(st) = self.0.upgrade() {
            st.at_exit.borrow_mut().push(Rc::from(f));
        }
    }
}

/// The I/O core's context for this runtime.
pub(super) fn make(st: &Rc<State>) -> Io<Runtime> {
    Io { reactor: st.reactor().clone(), host: Rc::new(RtHost(Rc::downgrade(st))) }
}
