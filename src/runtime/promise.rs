//! Promises with ECMAScript's job semantics: reactions are microtasks, a promise
//! resolved with another promise adopts it through a resolve-thenable job (the same
//! number of hops as V8), and rejections without a handler are tracked for the
//! unhandled-rejection check that follows every drain.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use rhai::{Dynamic, Engine, EvalAltResult};

use super::callback::Callback;
use crate::value::{error, inspect};

pub type NativeFn = Rc<dyn Fn(&Engine, &Queue, Dynamic) -> Result<Dynamic, Box<EvalAltResult>>>;

#[derive(Clone)]
pub enum Handler {
    /// No handler: the value passes through to the derived promise.
    Pass,
    Script(Callback),
    Native(NativeFn),
}

#[derive(Clone)]
pub enum State {
    Pending,
    Fulfilled(Dynamic),
    Rejected(Dynamic),
}

struct Reaction {
    derived: Option<Promise>,
    on_fulfilled: Handler,
    on_rejected: Handler,
}

struct Inner {
    state: State,
    reactions: Vec<Reaction>,
    /// A handler was attached (or the rejection was otherwise observed).
    handled: bool,
    /// `unhandledRejection` was already reported for it.
    warned: bool,
}

#[derive(Clone)]
pub struct Promise(Rc<RefCell<Inner>>);

/// A microtask.
pub enum Job {
    /// `queueMicrotask(f)`.
    Call(Callback),
    /// Run one reaction of a settled promise.
    React { handler: Handler, arg: Dynamic, rejected: bool, derived: Option<Promise> },
    /// NewPromiseResolveThenableJob: `promise` follows `thenable`.
    Adopt { promise: Promise, thenable: Promise },
}

/// The microtask queue and the rejection bookkeeping Node does after each drain.
#[derive(Default)]
pub struct Queue {
    jobs: RefCell<VecDeque<Job>>,
    unhandled: RefCell<Vec<Promise>>,
    handled_late: RefCell<Vec<Promise>>,
}

impl Queue {
    pub fn push(&self, job: Job) {
        self.jobs.borrow_mut().push_back(job);
    }

    pub fn pop(&self) -> Option<Job> {
        self.jobs.borrow_mut().pop_front()
    }

    pub fn has_jobs(&self) -> bool {
        !self.jobs.borrow().is_empty()
    }

    /// Rejected promises that had no handler by now (the ones still unhandled).
    pub fn take_unhandled(&self) -> Vec<Promise> {
        std::mem::take(&mut *self.unhandled.borrow_mut()).into_iter().filter(|p| !p.0.borrow().handled).collect()
    }

    /// Promises reported as unhandled that got a handler afterwards.
    pub fn take_handled_late(&self) -> Vec<Promise> {
        std::mem::take(&mut *self.handled_late.borrow_mut())
    }

    pub fn has_rejection_work(&self) -> bool {
        !self.unhandled.borrow().is_empty() || !self.handled_late.borrow().is_empty()
    }
}

impl Promise {
    pub fn pending() -> Promise {
        Promise(Rc::new(RefCell::new(Inner {
            state: State::Pending,
            reactions: vec![],
            handled: false,
            warned: false,
        })))
    }

    pub fn resolved(q: &Queue, v: Dynamic) -> Promise {
        if let Some(p) = v.clone().try_cast::<Promise>() {
            return p;
        }
        let p = Promise::pending();
        p.resolve(q, v);
        p
    }

    pub fn rejected(q: &Queue, reason: Dynamic) -> Promise {
        let p = Promise::pending();
        p.reject(q, reason);
        p
    }

    pub fn state(&self) -> State {
        self.0.borrow().state.clone()
    }

    pub fn same(&self, other: &Promise) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }

    pub fn mark_warned(&self) {
        self.0.borrow_mut().warned = true;
    }

    /// The resolve function: adopt a promise, or fulfil with a plain value.
    pub fn resolve(&self, q: &Queue, v: Dynamic) {
        if !matches!(self.0.borrow().state, State::Pending) {
            return;
        }
        match v.try_cast_result::<Promise>() {
            Ok(thenable) if thenable.same(self) => {
                let e = error::error("TypeError", "Chaining cycle detected for promise #<Promise>", None);
                self.reject(q, e.into());
            }
            Ok(thenable) => q.push(Job::Adopt { promise: self.clone(), thenable }),
            Err(v) => self.settle(q, State::Fulfilled(v)),
        }
    }

    pub fn reject(&self, q: &Queue, reason: Dynamic) {
        if !matches!(self.0.borrow().state, State::Pending) {
            return;
        }
        if !self.0.borrow().handled {
            q.unhandled.borrow_mut().push(self.clone());
        }
        self.settle(q, State::Rejected(reason));
    }

    fn settle(&self, q: &Queue, state: State) {
        let reactions = {
            let mut inner = self.0.borrow_mut();
            inner.state = state;
            std::mem::take(&mut inner.reactions)
        };
        for r in reactions {
            self.schedule(q, r);
        }
    }

    fn schedule(&self, q: &Queue, r: Reaction) {
        let (handler, arg, rejected) = match &self.0.borrow().state {
            State::Fulfilled(v) => (r.on_fulfilled, v.clone(), false),
            State::Rejected(e) => (r.on_rejected, e.clone(), true),
            State::Pending => unreachable!("scheduled reaction of a pending promise"),
        };
        q.push(Job::React { handler, arg, rejected, derived: r.derived });
    }

    /// PerformPromiseThen: register handlers; returns the derived promise.
    pub fn then(&self, q: &Queue, on_fulfilled: Handler, on_rejected: Handler) -> Promise {
        let derived = Promise::pending();
        self.then_into(q, on_fulfilled, on_rejected, Some(derived.clone()));
        derived
    }

    pub fn then_into(&self, q: &Queue, on_fulfilled: Handler, on_rejected: Handler, derived: Option<Promise>) {
        let reaction = Reaction { derived, on_fulfilled, on_rejected };
        {
            let mut inner = self.0.borrow_mut();
            let first_handler_of_rejection = matches!(inner.state, State::Rejected(_)) && !inner.handled;
            inner.handled = true;
            if first_handler_of_rejection && inner.warned {
                q.handled_late.borrow_mut().push(self.clone());
            }
            if matches!(inner.state, State::Pending) {
                inner.reactions.push(reaction);
                return;
            }
        }
        self.schedule(q, reaction);
    }

    /// Node's `Promise { … }` look.
    pub fn describe(&self, custom: inspect::Custom) -> String {
        match &self.0.borrow().state {
            State::Pending => "Promise { <pending> }".into(),
            State::Fulfilled(v) => format!("Promise {{ {} }}", inspect::inspect(v, custom)),
            State::Rejected(e) => format!("Promise {{ <rejected> {} }}", inspect::inspect(e, custom)),
        }
    }
}

/// Runs one microtask. Errors returned are the ones that escape: a throwing
/// `queueMicrotask` callback (uncaught) or termination (`process.exit()`).
pub fn run_job(job: Job, engine: &Engine, q: &Queue) -> Result<(), Box<EvalAltResult>> {
    match job {
        Job::Call(cb) => cb.call(engine, vec![]).map(drop),
        Job::React { handler, arg, rejected, derived } => {
            let outcome = match handler {
                Handler::Pass if rejected => Err(arg),
                Handler::Pass => Ok(arg),
                Handler::Script(cb) => caught(cb.call(engine, vec![arg]))?,
                Handler::Native(f) => caught(f(engine, q, arg))?,
            };
            match (outcome, derived) {
                (Ok(v), Some(d)) => d.resolve(q, v),
                (Err(e), Some(d)) => d.reject(q, e),
                (_, None) => {}
            }
            Ok(())
        }
        Job::Adopt { promise, thenable } => {
            let p = promise.clone();
            let ful: NativeFn = Rc::new(move |_, q, v| {
                p.resolve(q, v);
                Ok(Dynamic::UNIT)
            });
            let rej: NativeFn = Rc::new(move |_, q, e| {
                promise.reject(q, e);
                Ok(Dynamic::UNIT)
            });
            thenable.then_into(q, Handler::Native(ful), Handler::Native(rej), None);
            Ok(())
        }
    }
}

/// A handler's error becomes the rejection reason; termination escapes.
fn caught(r: Result<Dynamic, Box<EvalAltResult>>) -> Result<Result<Dynamic, Dynamic>, Box<EvalAltResult>> {
    match r {
        Ok(v) => Ok(Ok(v)),
        Err(e) if matches!(*e, EvalAltResult::ErrorTerminated(..)) => Err(e),
        Err(e) => Ok(Err(error::to_value(&e))),
    }
}

/// Which combinator: `Promise.all`, `allSettled`, `race` or `any`.
#[derive(Clone, Copy, PartialEq)]
pub enum Combinator {
    All,
    AllSettled,
    Race,
    Any,
}

/// The combinators, each item going through `Promise.resolve(item).then(…)` as the
/// specification does, so the number of microtask hops matches V8.
pub fn combine(q: &Queue, kind: Combinator, items: Vec<Dynamic>) -> Promise {
    let result = Promise::pending();
    let n = items.len();
    if n == 0 {
        match kind {
            Combinator::Race => {}
            Combinator::Any => result.reject(q, aggregate(vec![]).into()),
            _ => result.resolve(q, Dynamic::from_array(vec![])),
        }
        return result;
    }
    let slots = Rc::new(RefCell::new(vec![Dynamic::UNIT; n]));
    let remaining = Rc::new(Cell::new(n));
    for (i, item) in items.into_iter().enumerate() {
        let p = Promise::resolved(q, item);
        let settle = |outcome: Option<&'static str>| -> Handler {
            let (result, slots, remaining) = (result.clone(), slots.clone(), remaining.clone());
            Handler::Native(Rc::new(move |_, q, v| {
                match (kind, outcome) {
                    (Combinator::Race, Some("fulfilled")) => result.resolve(q, v),
                    (Combinator::Race, _) | (Combinator::All, Some("rejected")) => result.reject(q, v),
                    (Combinator::Any, Some("fulfilled")) => result.resolve(q, v),
                    _ => {
                        slots.borrow_mut()[i] = match (kind, outcome) {
                            (Combinator::AllSettled, Some(status)) => {
                                let mut m = rhai::Map::new();
                                m.insert("status".into(), status.into());
                                m.insert(if status == "fulfilled" { "value" } else { "reason" }.into(), v);
                                m.into()
                            }
                            _ => v,
                        };
                        remaining.set(remaining.get() - 1);
                        if remaining.get() == 0 {
                            let values = std::mem::take(&mut *slots.borrow_mut());
                            if kind == Combinator::Any {
                                result.reject(q, aggregate(values).into());
                            } else {
                                result.resolve(q, Dynamic::from_array(values));
                            }
                        }
                    }
                }
                Ok(Dynamic::UNIT)
            }))
        };
        p.then_into(q, settle(Some("fulfilled")), settle(Some("rejected")), None);
    }
    result
}

fn aggregate(errors: Vec<Dynamic>) -> rhai::Map {
    let mut m = error::error("AggregateError", "All promises were rejected", None);
    m.insert("errors".into(), Dynamic::from_array(errors));
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs every queued job, as the drain does.
    fn run_all(q: &Queue) {
        let engine = Engine::new_raw();
        while let Some(job) = q.pop() {
            run_job(job, &engine, q).unwrap();
        }
    }

    fn recorder(log: &Rc<RefCell<Vec<String>>>, name: &'static str) -> Handler {
        let log = log.clone();
        Handler::Native(Rc::new(move |_, _, v| {
            log.borrow_mut().push(format!("{name}:{v}"));
            Ok(v)
        }))
    }

    #[test]
    fn reactions_are_fifo_microtasks() {
        let (q, log) = (Queue::default(), Rc::new(RefCell::new(vec![])));
        let a = Promise::resolved(&q, Dynamic::from(1_i64));
        let b = Promise::resolved(&q, Dynamic::from(2_i64));
        a.then(&q, recorder(&log, "a1"), Handler::Pass).then(&q, recorder(&log, "a2"), Handler::Pass);
        b.then(&q, recorder(&log, "b1"), Handler::Pass);
        assert!(log.borrow().is_empty(), "nothing runs synchronously");
        run_all(&q);
        assert_eq!(*log.borrow(), ["a1:1", "b1:2", "a2:1"]);
    }

    #[test]
    fn adopting_a_promise_takes_two_extra_hops() {
        // V8: resolve(p) costs a resolve-thenable job plus p's reaction job.
        let (q, log) = (Queue::default(), Rc::new(RefCell::new(vec![])));
        let outer = Promise::pending();
        outer.resolve(&q, Dynamic::from(Promise::resolved(&q, Dynamic::from(7_i64))));
        outer.then(&q, recorder(&log, "adopted"), Handler::Pass);
        let tick = Promise::resolved(&q, Dynamic::UNIT);
        tick.then(&q, recorder(&log, "h1"), Handler::Pass).then(&q, recorder(&log, "h2"), Handler::Pass).then(
            &q,
            recorder(&log, "h3"),
            Handler::Pass,
        );
        run_all(&q);
        assert_eq!(*log.borrow(), ["h1:", "h2:", "adopted:7", "h3:"]);
    }

    #[test]
    fn unhandled_rejections_are_tracked_until_handled() {
        let q = Queue::default();
        let p = Promise::rejected(&q, Dynamic::from("no"));
        let handled = Promise::rejected(&q, Dynamic::from("yes"));
        handled.then(&q, Handler::Pass, Handler::Native(Rc::new(|_, _, v| Ok(v))));
        let unhandled = q.take_unhandled();
        assert_eq!(unhandled.len(), 1);
        assert!(unhandled[0].same(&p));
        p.mark_warned();
        p.then(&q, Handler::Pass, Handler::Native(Rc::new(|_, _, v| Ok(v))));
        assert_eq!(q.take_handled_late().len(), 1, "a late handler is reported as rejectionHandled");
    }
}
