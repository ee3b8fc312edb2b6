//! Hooks the bindings register on the runtime state, so that the runtime, and one
//! binding, can reach another binding without importing it: layering runs one way
//! (`api` → `runtime`), and `api::process` does not name `api::ipc`.

use std::cell::{Cell, RefCell};
use std::os::fd::BorrowedFd;
use std::rc::Rc;

use super::idle::{Idle, OnAlarm};
use super::{Runtime, State};
use crate::io::events::{Event, Handler};
use crate::io::reactor::{Ready, Token};
use crate::io::wake::Wake;
use crate::sys::alarm;

/// Told the name of the `process` event whose listeners were added or removed.
pub type ProcessListenersHook = Rc<dyn Fn(&State, &str)>;

#[derive(Default)]
pub struct Hooks {
    process_listeners: RefCell<Vec<ProcessListenersHook>>,
    before_idle_wait: RefCell<Vec<Rc<dyn Fn()>>>,
    /// When the idle hooks run (`runtime::idle`).
    idle: Idle,
    /// The idle grace's alarm, made the first time a grace starts.
    alarm: RefCell<Option<GraceAlarm>>,
    /// No alarm could be made: grace waits time out instead.
    no_alarm: Cell<bool>,
}

/// The grace's timer descriptor: an `io::wake::Wake` open for good (the poller
/// watches it; the hooks arm it through it).
struct GraceAlarm {
    wake: Rc<Wake<Runtime>>,
    token: Token,
}

/// The alarm's binding in the poller: it expired.
struct AlarmWake;

impl Handler<Runtime> for AlarmWake {
    fn event(&self, _: &Runtime, _: Event) -> bool {
        true
    }

    fn ready(&self, rt: &Runtime, fd: BorrowedFd<'_>) {
        alarm::ack(fd);
        let now = rt.st.lp.borrow().now();
        rt.st.hooks.on_alarm(&rt.st, now);
    }
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

    /// Registers work for when the loop has nothing scheduled and waits for I/O (a
    /// forked child waiting for messages gives back its idle pages): it runs the first
    /// time the loop waits so, and again each time the loop, after I/O, has waited
    /// [`GRACE_MS`](super::idle::GRACE_MS) with nothing happening (`runtime::idle`).
    pub fn on_before_idle_wait(&self, hook: Rc<dyn Fn()>) {
        self.before_idle_wait.borrow_mut().push(hook);
    }

    /// The poll phase's wait, given the loop's own timeout (negative: nothing
    /// scheduled) at the loop's time `now`: runs the hooks if they are due now, arms
    /// the grace's alarm, and says how long to wait. Called with the loop not
    /// borrowed; a hook must not touch the loop.
    pub fn idle_wait_timeout(&self, st: &State, timeout: i32, now: u64) -> i32 {
        if self.before_idle_wait.borrow().is_empty() {
            return timeout;
        }
        let b = self.idle.before_wait(timeout, now, !self.no_alarm.get());
        if b.run {
            self.run_idle_hooks();
        }
        match b.arm {
            Some(ms) if !self.arm(st, ms) => self.idle.alarm_failed(),
            _ => b.timeout,
        }
    }

    /// Whether idle hooks are registered (then [`Hooks::after_wait`] wants the time).
    pub fn watch_idle(&self) -> bool {
        !self.before_idle_wait.borrow().is_empty()
    }

    /// After the poll phase's wait reported `ready`, at the loop's time `now`: I/O
    /// other than the alarm keeps the loop busy; a grace wait (without an alarm) that
    /// saw nothing runs the hooks.
    pub fn after_wait(&self, ready: &[Ready], now: u64) {
        if self.before_idle_wait.borrow().is_empty() {
            return;
        }
        let alarm = self.alarm.borrow().as_ref().map(|a| a.token);
        let io = ready.iter().any(|r| Some(r.token) != alarm);
        if self.idle.after_wait(io, now) {
            self.run_idle_hooks();
        }
    }

    /// The grace's alarm expired (the poll phase, after [`Hooks::after_wait`]).
    fn on_alarm(&self, st: &State, now: u64) {
        match self.idle.alarm(now) {
            OnAlarm::Run => self.run_idle_hooks(),
            OnAlarm::Rearm(ms) => {
                if !self.arm(st, ms) {
                    self.idle.alarm_failed();
                }
            }
            OnAlarm::Nothing => {}
        }
    }

    /// Arms the alarm `ms` from now, making it first; false (and no alarm from now on)
    /// when it cannot be made or set.
    fn arm(&self, st: &State, ms: u64) -> bool {
        if self.alarm.borrow().is_none() {
            let made = alarm::new().and_then(|fd| {
                let (token, wake) = Wake::open_kept(st.reactor(), fd, Rc::new(AlarmWake))?;
                Ok(GraceAlarm { wake, token })
            });
            match made {
                Ok(a) => *self.alarm.borrow_mut() = Some(a),
                Err(_) => {
                    self.no_alarm.set(true);
                    return false;
                }
            }
        }
        let set = self.alarm.borrow().as_ref().is_some_and(|a| alarm::arm(a.wake.fd(), ms).is_ok());
        if !set {
            self.no_alarm.set(true);
        }
        set
    }

    fn run_idle_hooks(&self) {
        let hooks = self.before_idle_wait.borrow().clone();
        for hook in hooks {
            hook();
        }
    }
}
