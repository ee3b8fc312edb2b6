//! A pool's host side: the core ([`crate::pool::Pool`]) plus what it cannot know:
//! the forked workers, their channels, one loop timer for all deadlines, the pool's
//! claim on the loop's liveness, and the replies to scripts.
//!
//! Every entry point feeds the core one event, then [`Host::after`] carries out the
//! queued actions and brings the timer and the ref in line. Script callbacks never
//! run from inside: replies go out as nextTicks (callbacks) or promise settlements,
//! so a callback that throws cannot leave the pool half-updated (the seed's bug 6).
//!
//! Workers hold the host strongly through their channel tap and `close` listener,
//! so a pool whose script variable is gone still finishes its jobs; the cycle ends
//! when the last worker has closed.
//!
//! `libc::SIGKILL`, `libc::SIGTERM` here are signal numbers, used as data; no libc
//! function is called here (system calls are [`crate::sys`]'s).

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use std::time::Instant;

use rhai::{Dynamic, Engine, FnPtr, Map};

use super::wire;
use crate::api::child_process::{ChildProcess, fork};
use crate::api::ipc::SendWhen;
use crate::event_loop::TimerId;
use crate::pool::{Action, Failure, JobId, Pool, Sig, WorkerId};
use crate::runtime::callback::Callback;
use crate::runtime::emitter::Emitter;
use crate::runtime::promise::Promise;
use crate::runtime::{State, Task};

#[path = "host_answers.rs"]
mod answers;

/// The pool's child processes by worker id: a handful, searched in a line (a hash
/// map's SipHash cost more than the search, twice per job).
#[derive(Default)]
struct Children(Vec<(WorkerId, ChildProcess)>);

impl Children {
    fn get(&self, w: &WorkerId) -> Option<&ChildProcess> {
        self.0.iter().find(|(id, _)| id == w).map(|(_, c)| c)
    }

    fn insert(&mut self, w: WorkerId, child: ChildProcess) {
        self.0.push((w, child));
    }

    fn remove(&mut self, w: &WorkerId) {
        self.0.retain(|(id, _)| id != w);
    }
}

/// Where a job's outcome goes.
pub enum Reply {
    Callback(Callback),
    Promise(Promise),
}

pub struct Ticket {
    pub reply: Reply,
    pub progress: Option<Callback>,
}

/// Delivers a job's outcome: a callback on a tick (`(err)` or `(null, result)`), or
/// the promise settled. Shared with the pool across machines (`remote`).
pub fn settle_ticket(st: &State, ticket: Ticket, outcome: Result<Dynamic, Dynamic>) {
    match (ticket.reply, outcome) {
        (Reply::Callback(cb), Ok(v)) => st.next_tick(Task::Call(cb, vec![Dynamic::UNIT, v])),
        (Reply::Callback(cb), Err(e)) => st.next_tick(Task::Call(cb, vec![e])),
        (Reply::Promise(p), Ok(v)) => p.resolve(&st.micro, v),
        (Reply::Promise(p), Err(e)) => p.reject(&st.micro, e),
    }
}

pub struct Host {
    pub st: Rc<State>,
    me: Weak<Host>,
    pub core: RefCell<Pool<wire::Payload, Ticket>>,
    workers: RefCell<Children>,
    script: String,
    fork_opts: Map,
    task_timeout_ms: Option<f64>,
    /// A stored context to hang the host's own emitter listeners on.
    home: Callback,
    pub emitter: Emitter,
    epoch: Instant,
    /// The armed loop timer and the deadline (µs) it was armed for.
    timer: Cell<Option<(TimerId, u64)>>,
    /// Holds the loop while active and ref'd.
    hold: Cell<Option<crate::event_loop::Hold>>,
    /// `close()`/`terminate()` promises, settled once every worker is gone.
    closers: RefCell<Vec<Promise>>,
}

impl Host {
    pub fn new(st: &Rc<State>, script: String, opts: super::options::Options, home: Callback) -> Rc<Host> {
        let host = Rc::new_cyclic(|me| Host {
            st: st.clone(),
            me: me.clone(),
            core: RefCell::new(Pool::new(opts.config)),
            workers: RefCell::new(Children::default()),
            script,
            fork_opts: opts.fork,
            task_timeout_ms: opts.task_timeout_ms,
            home,
            emitter: Emitter::default(),
            epoch: Instant::now(),
            timer: Cell::new(None),
            hold: Cell::new(None),
            closers: RefCell::new(Vec::new()),
        });
        // Busy workers would go on computing for nobody once we are gone, and a stuck
        // one could outlive us.
        let weak = Rc::downgrade(&host);
        st.at_exit.borrow_mut().push(Rc::new(move || {
            if let Some(h) = weak.upgrade() {
                h.kill_stragglers();
            }
        }));
        host.after();
        host
    }

    pub fn now(&self) -> u64 {
        self.epoch.elapsed().as_micros() as u64
    }

    /// Queues a job; a refusal reaches the caller like any other failure.
    pub fn submit(&self, payload: wire::Payload, ticket: Ticket) {
        let now = self.now();
        let r = self.core.borrow_mut().submit(payload, ticket, now);
        if let Err((ticket, failure)) = r {
            self.fail(ticket, None, &failure);
        }
        self.after();
    }

    pub fn close(&self, promise: Promise) {
        self.closers.borrow_mut().push(promise);
        let now = self.now();
        self.core.borrow_mut().close(now);
        self.after();
    }

    pub fn terminate(&self, promise: Promise) {
        self.closers.borrow_mut().push(promise);
        let now = self.now();
        self.core.borrow_mut().terminate(now);
        self.after();
    }

    /// Carries out what the core asked for, then timer, ref and `close()` promises.
    fn after(&self) {
        loop {
            let action = self.core.borrow_mut().next_action();
            let Some(action) = action else { break };
            match action {
                Action::Spawn(w) => self.spawn(w),
                Action::Send { worker, job, payload, tagged, ahead } => self.send(worker, job, &payload, tagged, ahead),
                Action::Fail { ticket, worker, failure } => {
                    let pid = worker.and_then(|w| self.pid(w));
                    self.fail(ticket, pid, &failure);
                }
                Action::Stop(w) => {
                    if let Some(ep) = self.channel(w).filter(|ep| ep.connected()) {
                        ep.disconnect();
                    }
                }
                Action::Signal(w, sig) => self.signal(w, if sig == Sig::Term { libc::SIGTERM } else { libc::SIGKILL }),
            }
        }
        self.sync_timer();
        let want = self.core.borrow().wants_ref();
        self.st.set_hold(&self.hold, want);
        if self.core.borrow().finished() {
            for p in std::mem::take(&mut *self.closers.borrow_mut()) {
                p.resolve(&self.st.micro, Dynamic::UNIT);
            }
        }
    }

    fn spawn(&self, w: WorkerId) {
        let script = Dynamic::from(self.script.clone());
        let children = crate::api::child_process::children(&self.st);
        match fork::fork(&children, &script, &Dynamic::from_map(self.fork_opts.clone()), &Dynamic::UNIT) {
            Ok(child) => {
                child.set_ref(false);
                if let Some(ep) = child.channel() {
                    ep.set_want_ref(false);
                    let host = self.strong();
                    ep.set_tap(Some(Rc::new(move |v: Dynamic| host.on_message(w, v))));
                    let host = self.strong();
                    ep.set_raw_tap(Some(Rc::new(move |line: &[u8]| host.on_line(w, line))));
                }
                let host = self.strong();
                let on_close = self.listener("close", move || host.on_close(w));
                child.0.emitter.add("close".into(), on_close, true, false);
                let host = self.strong();
                let on_disconnect = self.listener("disconnect", move || {
                    let now = host.now();
                    host.core.borrow_mut().disconnected(w, now);
                    host.after();
                });
                child.0.emitter.add("disconnect".into(), on_disconnect, true, false);
                let host = self.strong();
                let on_error = self.listener_with_arg("error", move |err| host.on_worker_error(w, err));
                child.0.emitter.add("error".into(), on_error, false, false);
                self.workers.borrow_mut().insert(w, child);
            }
            Err(_) => {
                // Options were checked when the pool was made; this is the system
                // refusing (EAGAIN…): a start failure like any other.
                let now = self.now();
                self.core.borrow_mut().exited(w, None, None, now);
            }
        }
    }

    fn strong(&self) -> Rc<Host> {
        self.me.upgrade().expect("the host is alive while it runs")
    }

    #[allow(deprecated)] // FnPtr::from_fn is "volatile", not deprecated
    fn listener(&self, name: &str, f: impl Fn() + 'static) -> Callback {
        let fp = FnPtr::from_fn(name.to_string(), move |_, _| {
            f();
            Ok(Dynamic::UNIT)
        })
        .expect("a valid name");
        self.home.with_fn(fp)
    }

    #[allow(deprecated)]
    fn listener_with_arg(&self, name: &str, f: impl Fn(Dynamic) + 'static) -> Callback {
        let fp = FnPtr::from_fn(name.to_string(), move |_, args| {
            f(args.first_mut().map(|a| std::mem::take(&mut **a)).unwrap_or_default());
            Ok(Dynamic::UNIT)
        })
        .expect("a valid name");
        self.home.with_fn(fp)
    }

    fn channel(&self, w: WorkerId) -> Option<crate::api::ipc::Endpoint> {
        self.workers.borrow().get(&w).and_then(ChildProcess::channel)
    }

    fn pid(&self, w: WorkerId) -> Option<i32> {
        self.workers.borrow().get(&w).and_then(|c| c.0.pid)
    }

    fn send(&self, w: WorkerId, job: JobId, payload: &str, tagged: bool, ahead: bool) {
        let Some(ep) = self.channel(w) else { return };
        if tagged {
            // A job for an idle worker leaves at once (if the channel is idle: it
            // starts while this turn's callbacks run); jobs sent ahead to a worker
            // that has work wait for the rest of the turn's, so that one write and
            // one wake-up carry them all.
            let when = if ahead { SendWhen::Batch } else { SendWhen::Soon };
            ep.send_line(wire::envelope_line(job, payload), when);
        } else {
            // A plain worker waits for exactly this job: written now, before the
            // callbacks of this turn run, so it works while they do.
            ep.send_json(payload, true);
        }
        // A closed channel loses the job only until the worker's `close`, which
        // fails it as a crash.
    }

    /// Signals a worker that was not reaped yet (its pid cannot have been reused).
    fn signal(&self, w: WorkerId, signo: i32) {
        let workers = self.workers.borrow();
        let Some(c) = workers.get(&w) else { return };
        if let Some(pid) = c.0.pid.filter(|_| c.0.exit_code.get().is_none() && c.0.signal_code.get().is_none()) {
            self.st.flush();
            // The worker was not reaped (checked above), so `pid` still names it.
            let _ = crate::sys::process::kill(pid, signo);
        }
    }

    /// The process is ending: workers running a job (their answer has nowhere to
    /// go) or already asked to leave get SIGKILL, as no timer of ours will run to
    /// escalate a SIGTERM they might ignore. Idle ones leave on their channel's EOF.
    fn kill_stragglers(&self) {
        let Ok(core) = self.core.try_borrow() else { return };
        let ids = core.busy_or_stopping();
        drop(core);
        for w in ids {
            self.signal(w, libc::SIGKILL);
        }
    }

    fn on_close(&self, w: WorkerId) {
        let (code, signal) = match self.workers.borrow().get(&w) {
            Some(c) => (c.0.exit_code.get(), c.0.signal_code.get()),
            None => return,
        };
        let now = self.now();
        self.core.borrow_mut().exited(w, code, signal, now);
        self.after();
        self.workers.borrow_mut().remove(&w);
    }

    fn fail(&self, ticket: Ticket, pid: Option<i32>, failure: &Failure) {
        let max_queue = self.core.borrow().config().max_queue;
        let err = wire::failure_error(failure, pid, self.task_timeout_ms, max_queue);
        self.settle(ticket, Err(err));
    }

    fn settle(&self, ticket: Ticket, outcome: Result<Dynamic, Dynamic>) {
        settle_ticket(&self.st, ticket, outcome);
    }

    /// One loop timer, unref'd (the pool's own ref decides liveness), armed for the
    /// core's earliest deadline; one armed earlier than needed just fires and re-arms.
    fn sync_timer(&self) {
        let next = self.core.borrow().next_deadline();
        let armed = self.timer.get();
        match (armed, next) {
            (None, None) => {}
            (Some((id, _)), None) => {
                self.st.timer_clear(id);
                self.timer.set(None);
            }
            (Some((_, at)), Some(n)) if at <= n => {}
            (_, Some(n)) => {
                if let Some((id, _)) = armed {
                    self.st.timer_clear(id);
                }
                let now_ms = self.st.update_time();
                let delay_ms = n.saturating_sub(self.now()).div_ceil(1000).max(1);
                let weak = self.me.clone();
                let task = Task::Native(Rc::new(move |_: &Engine| {
                    if let Some(h) = weak.upgrade() {
                        h.timer.set(None);
                        let now = h.now();
                        h.core.borrow_mut().tick(now);
                        h.after();
                    }
                    Ok(Dynamic::UNIT)
                }));
                let id = self.st.timer_start_at(now_ms, delay_ms, task);
                self.st.timer_set_ref(id, false);
                self.timer.set(Some((id, n)));
            }
        }
    }
}
