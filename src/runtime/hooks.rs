//! Hooks the bindings register on the runtime state, so that the runtime, and one
//! binding, can reach another binding without importing it: layering runs one way
//! (`api` → `runtime`), and `api::process` does not name `api::ipc`.

use std::cell::RefCell;
use std::rc::Rc;

use super::State;

/// Told the name of the `process` event whose listeners were added or removed.
pub type ProcessListenersHook = Rc<dyn Fn(&State, &str)>;

#[derive(Default)]
pub struct Hooks {
    process_listeners: RefCell<Vec<ProcessListenersHook>>,
    before_idle_wait: RefCell<Vec<Rc<dyn Fn()>>>,
}

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

    /// Registers work for when the loop is about to block with no timer due (a
    /// forked child waiting for messages gives back its code pages).
    pub fn on_before_idle_wait(&self, hook: Rc<dyn Fn()>) {
        self.before_idle_wait.borrow_mut().push(hook);
    }

    /// Called by the poll phase before a wait without a timeout, with the loop
    /// borrowed: a hook must not touch the loop.
    pub fn before_idle_wait(&self) {
        let hooks = self.before_idle_wait.borrow().clone();
        for hook in hooks {
            hook();
        }
    }
}
