//! The loop side of the worker threads (`crate::sys::work`): each submitted job is a
//! pending request that keeps the loop alive (a `Request` guard, kept with its
//! continuation) until its result is back. Results arrive through the work queue's eventfd
//! (an `io::wake::Wake`, which holds nothing itself) in the poll phase, where Node
//! runs fs callbacks; a callback runs as a macrotask (then ticks and microtasks), a
//! promise settles and its reactions run as microtasks in the drain that follows.

use std::cell::RefCell;
use std::collections::HashMap;
use std::os::fd::BorrowedFd;
use std::rc::{Rc, Weak};

use rhai::Dynamic;

use super::args::failure;
use super::plan::{Out, Plan};
use crate::io::events::{Event, Handler};
use crate::io::wake::Wake;
use crate::runtime::callback::Callback;
use crate::runtime::promise::Promise;
use crate::runtime::{Runtime, State, Task};
use crate::sys::errno::SysResult;
use crate::sys::fs::Failure;
use crate::sys::work::WorkQueue;

type Done = Box<dyn FnOnce(&Runtime, Result<Out, Failure>)>;
type Settle = Box<dyn FnOnce(&Runtime, Result<Dynamic, Failure>)>;

pub struct Requests {
    st: Rc<State>,
    me: Weak<Requests>,
    queue: RefCell<Option<WorkQueue>>,
    pending: RefCell<HashMap<u64, (Done, crate::event_loop::Request)>>,
}

impl Requests {
    pub fn new(st: &Rc<State>) -> Rc<Requests> {
        Rc::new_cyclic(|me| Requests {
            st: st.clone(),
            me: me.clone(),
            queue: RefCell::new(None),
            pending: RefCell::new(HashMap::new()),
        })
    }

    pub fn state(&self) -> &Rc<State> {
        &self.st
    }

    /// Runs `plan` on a worker; `done` gets its outcome on the loop.
    fn submit(&self, plan: Plan, done: Settle) -> SysResult<()> {
        let mut q = self.queue.borrow_mut();
        if q.is_none() {
            let queue = WorkQueue::new()?;
            // The wake owns a duplicate: the workers write to the eventfd they keep.
            let fd = crate::sys::fd::dup_cloexec(queue.fd())?;
            let me = self.me.upgrade().expect("requests live as long as the runtime");
            let token = Wake::open(self.st.reactor(), fd, me)?;
            // With no job out, a turn that would not block need not poll for results.
            self.st.reactor().mirror(token, crate::sys::work::in_flight);
            *q = Some(queue);
        }
        let q = q.as_mut().expect("created above");
        let job = plan.job;
        let id = q.submit(move || Box::new(job()));
        let shape = plan.shape;
        let done: Done = Box::new(move |rt, r| done(rt, r.map(shape)));
        self.pending.borrow_mut().insert(id, (done, self.st.request()));
        Ok(())
    }

    /// The callback form: `cb(err)` or `cb(null, value)` in the poll phase.
    pub fn with_callback(&self, plan: Plan, cb: Callback) {
        let cb2 = cb.clone();
        let r = self.submit(
            plan,
            Box::new(move |rt, r| {
                let args = match r {
                    Ok(v) => vec![Dynamic::UNIT, v],
                    Err(f) => vec![failure(&f).into()],
                };
                rt.macrotask(&Task::Call(cb, args));
            }),
        );
        if let Err(e) = r {
            let err = super::args::fs_error(&crate::sys::fs::FsError::new(e, "uv_queue_work", None));
            self.st.next_tick(Task::Call(cb2, vec![err.into()]));
        }
    }

    /// The promise form: settled in the poll phase, reactions as microtasks.
    pub fn with_promise(&self, plan: Plan) -> Promise {
        let p = Promise::pending();
        let q = p.clone();
        let r = self.submit(
            plan,
            Box::new(move |rt, r| {
                match r {
                    Ok(v) => q.resolve(&rt.st.micro, v),
                    Err(f) => q.reject(&rt.st.micro, failure(&f).into()),
                }
                rt.drain();
            }),
        );
        if let Err(e) = r {
            let err = super::args::fs_error(&crate::sys::fs::FsError::new(e, "uv_queue_work", None));
            p.reject(&self.st.micro, err.into());
        }
        p
    }
}

/// The work queue's wake: every finished job, each continuation a macrotask with its
/// own drain (a promise's settles and drains).
impl Handler<Runtime> for Requests {
    fn event(&self, _: &Runtime, _: Event) -> bool {
        true
    }

    fn ready(&self, rt: &Runtime, _eventfd: BorrowedFd<'_>) {
        let done = match self.queue.borrow().as_ref() {
            Some(q) => q.take_done(),
            None => return,
        };
        for (id, out) in done {
            let Some((cont, request)) = self.pending.borrow_mut().remove(&id) else { continue };
            drop(request);
            match out.downcast::<Result<Out, Failure>>() {
                Ok(r) => cont(rt, *r),
                Err(_) => unreachable!("fs jobs return Result<Out, Failure>"),
            }
        }
    }
}
