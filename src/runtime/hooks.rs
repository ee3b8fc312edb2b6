//! Hooks the bindings register on the runtime state, so that the runtime, and one
//! binding, can reach another binding without importing it: layering runs one way
//! (`api` → `runtime`), and `api::process` does not name `api::ipc`.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use super::State;

/// Told the name of the `process` event whose listeners were added or removed.
pub type ProcessListenersHook = Rc<dyn Fn(&State, &str)>;

#[derive(Default)]
pub struct Hooks {
    process_listeners: RefCell<Vec<ProcessListenersHook>>,
    before_idle_wait: RefCell<Vec<Rc<dyn Fn()>>>,
    idle: Cell<Idle>,
    /// The current wait is a grace wait ([`IDLE_GRACE_MS`]).
    grace: Cell<bool>,
}

/// Where the idle hooks stand.
#[derive(Clone, Copy, Default, PartialEq)]
enum Idle {
    /// Start-up has run, the loop has not waited yet.
    #[default]
    Fresh,
    /// The hooks ran, nothing happened since.
    Released,
    /// I/O happened since the hooks last ran.
    Busy,
}

/// How long a loop that was busy waits with nothing scheduled before its idle hooks
/// run again: what a burst of messages ran is likely to run again soon, and faulting
/// it back in after every message would cost each message tens of microseconds.
const IDLE_GRACE_MS: i32 = 1000;

impl Hooks {
    /// Registers work for when listeners on `process` change (the fork channel to
    /// our parent is ref'd only while `message`/`disconnect` are listened to).
    pub fn on_process_listeners(&self, hook: ProcessListenersHook) {
        self.process_listeners.borrow_mut().push(hook);
    }

    /// Called by `process`'s event target after `event`'s listeners changed.
    pub fn process_listeners_changed(&self, st: &State, event: &str) {
        let hooks = self.process_listeners.borrow().clone();
        for hook in hooks {
            hook(st, event);
        }
    }

    /// Registers work for when the loop has nothing scheduled and waits for I/O (a
    /// forked child waiting for messages gives back its idle pages): it runs the first
    /// time the loop waits so, and again each time the loop, after I/O, has waited
    /// [`IDLE_GRACE_MS`] with nothing happening.
    pub fn on_before_idle_wait(&self, hook: Rc<dyn Fn()>) {
        self.before_idle_wait.borrow_mut().push(hook);
    }

    /// The poll phase's wait, given the loop's own timeout (negative: nothing
    /// scheduled): runs the hooks if they are due now, and says how long to wait.
    /// Called with the loop borrowed: a hook must not touch the loop.
    pub fn idle_wait_timeout(&self, timeout: i32) -> i32 {
        if timeout >= 0 || self.before_idle_wait.borrow().is_empty() {
            return timeout;
        }
        match self.idle.get() {
            Idle::Fresh => {
                self.run_idle_hooks();
                -1
            }
            Idle::Released => -1,
            Idle::Busy => {
                self.grace.set(true);
                IDLE_GRACE_MS
            }
        }
    }

    /// After the poll phase's wait reported `events` ready: a grace wait that saw
    /// nothing runs the hooks.
    pub fn after_wait(&self, events: usize) {
        let grace = self.grace.replace(false);
        if self.before_idle_wait.borrow().is_empty() {
            return;
        }
        if events > 0 {
            self.idle.set(Idle::Busy);
        } else if grace {
            self.run_idle_hooks();
        }
    }

    fn run_idle_hooks(&self) {
        self.idle.set(Idle::Released);
        let hooks = self.before_idle_wait.borrow().clone();
        for hook in hooks {
            hook();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_hooks_run_at_the_first_idle_wait_then_after_a_quiet_grace() {
        let hooks = Hooks::default();
        assert_eq!(hooks.idle_wait_timeout(-1), -1, "no hook: the loop's own timeout");
        let runs = Rc::new(Cell::new(0));
        let r = runs.clone();
        hooks.on_before_idle_wait(Rc::new(move || r.set(r.get() + 1)));
        assert_eq!(hooks.idle_wait_timeout(5), 5, "a timer is due: not idle");
        assert_eq!(runs.get(), 0);
        assert_eq!(hooks.idle_wait_timeout(-1), -1, "the first idle wait runs them at once");
        assert_eq!(runs.get(), 1);
        hooks.after_wait(0);
        assert_eq!(hooks.idle_wait_timeout(-1), -1, "nothing happened since");
        hooks.after_wait(1);
        assert_eq!(hooks.idle_wait_timeout(-1), IDLE_GRACE_MS, "after I/O: a grace wait");
        hooks.after_wait(2);
        assert_eq!(runs.get(), 1, "the grace wait saw I/O");
        assert_eq!(hooks.idle_wait_timeout(-1), IDLE_GRACE_MS);
        hooks.after_wait(0);
        assert_eq!(runs.get(), 2, "a quiet grace wait runs them");
        assert_eq!(hooks.idle_wait_timeout(-1), -1);
        hooks.after_wait(1);
        assert_eq!(hooks.idle_wait_timeout(3), 3, "a timer's wait is not a grace wait");
        hooks.after_wait(0);
        assert_eq!(runs.get(), 2);
    }
}
