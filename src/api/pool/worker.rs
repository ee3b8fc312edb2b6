//! The worker's side: `worker(|job| result)` and the ready report.
//!
//! ```rhai
//! // fib.worker.rhai, started by pool("fib.worker.rhai")
//! fn fib(n) { if n < 2 { n } else { fib(n - 1) + fib(n - 2) } }
//! worker(|n, progress| {
//!     progress.call("started");            // reaches the job's onProgress
//!     if n < 0 { throw "negative input"; }  // reaches the caller as err.message
//!     fib(n)                                // the result (a Promise is awaited)
//! });
//! ```
//!
//! Jobs run one at a time, in order, each on its own tick (as Node emits each
//! message on its own); a job returning a Promise holds the next until it settles.
//! Replies carry the job's id, so progress, errors and results cannot be confused.
//! When the channel to the pool closes (the pool stopped us, or the parent died)
//! the worker exits: nobody is left to take its results.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use rhai::{Dynamic, Engine, EvalAltResult, FnPtr, Map, NativeCallContext, Position};

use super::lifeline::{self, Lifeline};
use super::wire;
use crate::api::ipc::{self, Endpoint, SendWhen};
use crate::ipc::framing;
use crate::runtime::callback::Callback;
use crate::runtime::promise::{Handler, Promise};
use crate::runtime::{RhaiResult, State, Task};
use crate::value::{error, json};

type Res<T> = Result<T, Box<EvalAltResult>>;

struct Side {
    st: Rc<State>,
    ep: Endpoint,
    f: RefCell<Callback>,
    /// Jobs received and not started: the pool's id (`None` for a plain message).
    jobs: RefCell<VecDeque<(Option<u64>, Dynamic)>>,
    scheduled: Cell<bool>,
    /// A job's Promise is pending: the next waits.
    waiting: Cell<bool>,
    /// Held while a job runs (a pool worker's; `None` for a plain fork).
    lifeline: Option<Lifeline>,
    /// The tick that runs the next job, made once (weak: no cycle through the side).
    run: Task,
}

/// This runtime's worker side, a slot on the runtime state.
#[derive(Default)]
struct Worker {
    side: RefCell<Option<Rc<Side>>>,
    /// Started by a pool, which waits for our ready report.
    pool_child: Cell<bool>,
    ready_sent: Cell<bool>,
    lifeline: Cell<Option<Lifeline>>,
}

fn send_ready(st: &State, w: &Worker) {
    if let Some(ep) = ipc::parent(st) {
        ep.send_json(&wire::ready_message(w.side.borrow().is_some()), false);
        w.ready_sent.set(true);
    }
}

/// In a worker started by a pool: report ready once the main script has run (the
/// first drain), saying whether it called `worker()`.
pub fn register(st: &Rc<State>) {
    let Some(pool_pid) = crate::sys::environ::get(wire::WORKER_ENV) else { return };
    let w = st.slots.get_or_init(Worker::default);
    w.lifeline.set(Some(lifeline::start(pool_pid.parse().ok())));
    // Hidden from the script and from the worker's own children.
    let _ = crate::sys::environ::remove(wire::WORKER_ENV);
    if ipc::parent(st).is_none() {
        return;
    }
    w.pool_child.set(true);
    let s = st.clone();
    st.next_tick(Task::Native(Rc::new(move |_: &Engine| {
        send_ready(&s, &w);
        Ok(Dynamic::UNIT)
    })));
}

/// `worker(f)`.
pub fn worker(ctx: &NativeCallContext, st: &Rc<State>, f: FnPtr) -> Res<()> {
    let Some(ep) = ipc::parent(st) else {
        let m = "worker() needs a channel to a parent: start this script with pool() or fork()";
        return Err(error::throw(error::coded("Error", "ERR_POOL_NO_CHANNEL", m)));
    };
    let cb = Callback::new(ctx, f);
    let w = st.slots.get_or_init(Worker::default);
    let existing = w.side.borrow().clone();
    if let Some(side) = existing {
        *side.f.borrow_mut() = cb;
        return Ok(());
    }
    let side = Rc::new_cyclic(|me: &std::rc::Weak<Side>| Side {
        run: {
            let me = me.clone();
            Task::Native(Rc::new(move |engine: &Engine| match me.upgrade() {
                Some(side) => side.run_one(engine),
                None => Ok(Dynamic::UNIT),
            }))
        },
        st: st.clone(),
        ep: ep.clone(),
        f: RefCell::new(cb),
        jobs: RefCell::new(VecDeque::new()),
        scheduled: Cell::new(false),
        waiting: Cell::new(false),
        lifeline: w.lifeline.get(),
    });
    let s = side.clone();
    ep.set_tap(Some(Rc::new(move |v: Dynamic| s.take(v))));
    let s = side.clone();
    ep.set_raw_tap(Some(Rc::new(move |line: &[u8]| s.take_line(line))));
    ep.set_want_ref(true);
    let st2 = st.clone();
    ep.on_closed(Box::new(move || {
        let st3 = st2.clone();
        st2.next_tick(Task::Native(Rc::new(move |_: &Engine| {
            st3.exit_request.set(Some(st3.exit_code.get().unwrap_or(0)));
            Err(EvalAltResult::ErrorTerminated("pool channel closed".into(), Position::NONE).into())
        })));
    }));
    let lifeline = side.lifeline;
    *w.side.borrow_mut() = Some(side);
    // Idle now: the channel's EOF ends us cleanly; each job holds the lifeline.
    hold(lifeline, false);
    if w.pool_child.get() && w.ready_sent.get() {
        // Called after the main script (from a timer…): tell the pool again.
        send_ready(st, &w);
    }
    Ok(())
}

/// Arms or disarms a pool worker's lifeline; nothing for a plain fork.
fn hold(lifeline: Option<Lifeline>, on: bool) {
    if let Some(l) = lifeline {
        l.hold(on);
    }
}

impl Side {
    /// The channel tap: jobs are ours, internal messages go on.
    fn take(self: &Rc<Self>, mut v: Dynamic) -> Option<Dynamic> {
        if framing::is_internal(&v) {
            return Some(v);
        }
        let tagged = v.write_lock::<Map>().and_then(|mut m| {
            let id = wire::job_id(&m).filter(|_| m.contains_key("job"))?;
            Some((id, m.remove("job").unwrap_or_default()))
        });
        let (id, job) = match tagged {
            Some((id, job)) => (Some(id), job),
            None => (None, v),
        };
        self.jobs.borrow_mut().push_back((id, job));
        self.schedule();
        None
    }

    /// The channel's raw tap: a job envelope read from its line's text (no map made
    /// and searched per job); anything else is declined and comes to [`Side::take`].
    fn take_line(self: &Rc<Self>, line: &[u8]) -> bool {
        let Some((id, b"job", value)) = wire::split_tagged(line) else { return false };
        let Some(job) = wire::tagged_value(value) else { return false };
        self.jobs.borrow_mut().push_back((Some(id), job));
        self.schedule();
        true
    }

    fn schedule(self: &Rc<Self>) {
        if self.scheduled.get() || self.waiting.get() || self.jobs.borrow().is_empty() {
            return;
        }
        self.scheduled.set(true);
        self.st.next_tick(self.run.clone());
    }

    fn run_one(self: &Rc<Self>, engine: &Engine) -> RhaiResult {
        self.scheduled.set(false);
        let next = self.jobs.borrow_mut().pop_front();
        let Some((id, job)) = next else { return Ok(Dynamic::UNIT) };
        let f = self.f.borrow().clone();
        hold(self.lifeline, true);
        // A job function that declares no `progress` parameter would not see it:
        // not made (a native function per job).
        let args = if f.arity().is_some_and(|n| n < 2) { vec![job] } else { vec![job, self.progress(id)] };
        match f.call(engine, args) {
            Ok(v) if v.is::<Promise>() => {
                self.waiting.set(true);
                let p = v.cast::<Promise>();
                let (a, b) = (self.clone(), self.clone());
                let ok = Handler::Native(Rc::new(move |_, _, v| {
                    a.settled(id, Ok(v));
                    Ok(Dynamic::UNIT)
                }));
                let err = Handler::Native(Rc::new(move |_, _, e| {
                    b.settled(id, Err(e));
                    Ok(Dynamic::UNIT)
                }));
                p.then_into(&self.st.micro, ok, err, None);
            }
            Ok(v) => self.reply(id, Ok(v)),
            Err(e) if matches!(*e, EvalAltResult::ErrorTerminated(..)) => return Err(e),
            Err(e) => self.reply(id, Err(error::to_value(&e))),
        }
        self.schedule();
        Ok(Dynamic::UNIT)
    }

    fn settled(self: &Rc<Self>, id: Option<u64>, outcome: Result<Dynamic, Dynamic>) {
        self.waiting.set(false);
        self.reply(id, outcome);
        self.schedule();
    }

    fn reply(&self, id: Option<u64>, outcome: Result<Dynamic, Dynamic>) {
        hold(self.lifeline, false);
        // Written now, not at the end of the drain: the next prefetched job runs in
        // this same drain, and a result held back behind a job that hangs would
        // time out although it was done.
        let Some(id) = id else {
            let text = match outcome {
                Ok(v) => json::stringify(&v, "").unwrap_or_else(unsendable),
                Err(e) => json::stringify(&wire::error_value(e), "").unwrap_or_else(|| "null".into()),
            };
            self.ep.send_json(&text, true);
            return;
        };
        // The tagged answer is stringified straight into its line.
        let line = match outcome {
            Ok(v) => {
                wire::answer_line(id, "result", &v).unwrap_or_else(|| wire::tagged_line(id, "error", &unsendable()))
            }
            Err(e) => wire::answer_line(id, "error", &wire::error_value(e))
                .unwrap_or_else(|| wire::tagged_line(id, "error", "null")),
        };
        self.ep.send_line(line, SendWhen::Now);
    }

    /// The job's `progress` function: sends a progress report (tagged jobs only).
    #[allow(deprecated)] // FnPtr::from_fn is "volatile", not deprecated
    fn progress(&self, id: Option<u64>) -> Dynamic {
        let ep = self.ep.clone();
        FnPtr::from_fn("progress", move |_, args| {
            let v = args.first_mut().map(|a| std::mem::take(&mut **a)).unwrap_or_default();
            if let Some(line) = id.and_then(|id| wire::answer_line(id, "progress", &v)) {
                ep.send_line(line, SendWhen::Now);
            }
            Ok(Dynamic::UNIT)
        })
        .map(Dynamic::from)
        .unwrap_or_default()
    }
}

/// What a job whose result cannot be sent (a function) answers: a TypeError, as JSON.
fn unsendable() -> String {
    let e = error::coded("TypeError", "ERR_POOL_RESULT", "the job's result cannot be sent (a function)");
    json::stringify(&e.into(), "").unwrap_or_default()
}
