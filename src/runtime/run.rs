//! The loop's phases as the runtime runs them, in libuv's order: timers → poll →
//! check → close, until nothing keeps the process alive; and one callback into script
//! from the loop (a macrotask) followed by its drain.

use rhai::Dynamic;

use super::emitter::Emitter;
use super::{Runtime, Task};
use crate::signals;

impl Runtime {
    /// The event loop: libuv's phases until nothing keeps the process alive, then
    /// `beforeExit` (which may restart it), then `exit`.
    pub fn run_loop(&self) -> ! {
        loop {
            while self.st.lp.borrow().alive() {
                self.run_once();
            }
            self.emit_before_exit();
            if !self.st.lp.borrow().alive() {
                break;
            }
        }
        self.exit_naturally()
    }

    /// One turn of the loop, every phase once, without the liveness check: the REPL
    /// turns the loop itself while its prompt waits.
    pub fn run_once(&self) {
        self.run_timers();
        self.run_poll();
        self.run_check();
        self.run_closing();
    }

    // Each phase's common case (nothing to do, or a poll that need not wait) stays in
    // `run_once`; the work past it is out of line (`#[inline(never)]`): inline, its code
    // sat between the hot blocks of a chain link's turn, whose code did not fit the
    // instruction cache (issue 17). A call per phase that has work costs nothing
    // measurable beside that work.

    /// The close phase: `close` callbacks of handles closed during this iteration.
    fn run_closing(&self) {
        if self.st.lp.borrow().alive_closing() {
            self.close_batch();
        }
    }

    #[inline(never)]
    fn close_batch(&self) {
        let batch = self.st.lp.borrow_mut().take_closing();
        for task in batch {
            self.macrotask(&task);
        }
    }

    fn run_timers(&self) {
        // No timer, nothing due: the clock read is saved (the loop's time was read
        // after the last wait, and a timer started since read the clock itself).
        if self.st.lp.borrow().timers.next_expiry().is_some() {
            self.run_due_timers();
        }
    }

    #[inline(never)]
    fn run_due_timers(&self) {
        let now = self.st.lp.borrow_mut().update_time();
        loop {
            let due = self.st.lp.borrow_mut().timers.pop_due(now);
            let Some(due) = due else { break };
            if due.repeat {
                // An interval re-arms from the time its callback started.
                let start = self.st.lp.borrow_mut().update_time();
                self.macrotask(&due.payload);
                self.st.lp.borrow_mut().timers.rearm(due.id, start);
            } else {
                // A one-shot reads no clock (Node's `listOnTimeout` reads it only for
                // a repeating timer, and libuv's loop time stays the pass's start): a
                // read per callback was about 140 instructions and a `clock_gettime`
                // for each callback of a `setTimeout(f, 0)` batch (issue 17).
                self.macrotask(&due.payload);
            }
        }
    }

    fn run_poll(&self) {
        self.st.flush();
        let mut timeout = self.st.lp.borrow().poll_timeout();
        // Idle hooks (a forked child's): the loop's time is asked for only then,
        // as it may cost a clock read (`Loop::defer_time`).
        let idle = self.st.hooks.watch_idle();
        if idle {
            timeout = self.idle_timeout(timeout);
        }
        if timeout == 0 && self.st.reactor.quiet() {
            // A poll that would not block, with nothing watched that could be ready
            // (only the signal pipe, and no signal unread: `Reactor::quiet`), would
            // report nothing: no `epoll_wait`, the largest cost of a turn of a
            // `setImmediate` chain (issue 17). No time passed waiting either: the
            // clock is read when the time is next asked for (`Loop::defer_time`).
            // The idle hooks see it as a wait that saw nothing.
            self.st.lp.borrow_mut().defer_time();
            if idle {
                let now = self.st.lp.borrow().now();
                self.st.hooks.after_wait(&[], now);
            }
            return;
        }
        self.poll_wait(timeout, idle);
    }

    /// About to block with nothing due (a forked child gives back its idle pages:
    /// api::ipc's hook, sys::trim); hooks must not touch the loop.
    #[inline(never)]
    fn idle_timeout(&self, timeout: i32) -> i32 {
        let now = self.st.lp.borrow().now();
        self.st.hooks.idle_wait_timeout(&self.st, timeout, now)
    }

    /// The poll that may block, and the dispatch of what it reports.
    #[inline(never)]
    fn poll_wait(&self, timeout: i32, idle: bool) {
        let ready = self.st.reactor.wait(timeout);
        let now = self.st.lp.borrow_mut().update_time();
        if idle {
            self.st.hooks.after_wait(ready.as_deref().unwrap_or_default(), now);
        }
        // The reactor reports EINTR as an empty wait; any other failure would fail
        // again at once, so the loop cannot go on (a retry would spin).
        let ready = ready.unwrap_or_else(|e| {
            self.st.eprint(&format!("procbox: epoll_wait: {e}\n"));
            self.finish(70)
        });
        // The signal pipe last. What a child wrote before it exited (a message, its
        // last output) is ready in the same batch as the SIGCHLD its exit raised, but
        // epoll may list the pipe first (likely: a level-triggered entry the last
        // wait reported is still on epoll's ready list, ahead of newer ones): handled
        // in that order, `exit` came before the child's last `message` (2 runs in 400
        // on a loaded machine; Node: 0 in 400).
        let mut signals = None;
        for &r in &ready {
            if r.token == self.st.signal_token {
                signals = Some(r);
                continue;
            }
            self.st.reactor.dispatch(self, r);
        }
        if let Some(r) = signals {
            self.st.reactor.dispatch(self, r);
        }
        self.st.reactor.recycle(ready);
    }

    fn run_check(&self) {
        // A drain cut short by a handled exception resumes here at the latest: Node
        // drains when its native immediates run, before the script's immediates.
        let resume = self.st.lp.borrow_mut().take_resume_drain();
        if resume || !self.st.ticks.borrow().is_empty() || self.st.micro.has_jobs() {
            self.drain();
        }
        // Nothing queued (a turn that only read a socket): no batch to take.
        if self.st.lp.borrow().immediates.is_empty() {
            return;
        }
        let mut batch = self.st.lp.borrow_mut().immediates.take_batch();
        while let Some(entry) = batch.pop_front() {
            if self.st.lp.borrow_mut().immediates.begin_run(&entry) {
                self.macrotask(&entry.payload);
            }
        }
        self.st.lp.borrow_mut().immediates.recycle(batch);
    }

    /// Signal listeners run as macrotasks with `(name, number)`.
    pub(super) fn deliver_signals(&self, pipe: std::os::fd::BorrowedFd<'_>) {
        let pending = crate::sys::signal::read_pending(pipe);
        let mut hooked: Vec<i32> = Vec::new();
        for &signo in &pending {
            if hooked.contains(&signo) {
                continue;
            }
            hooked.push(signo);
            let hook = self.st.signal_hooks.borrow().get(&signo).cloned();
            if let Some(hook) = hook {
                hook(self);
            }
        }
        for signo in pending {
            let Some(name) = signals::name(signo) else { continue };
            let args = [Dynamic::from(name), Dynamic::from(signo as i64)];
            self.emit_macrotask(&self.st.process, name, &args);
        }
    }

    /// One callback into script from the loop, then the drain (owed instead when
    /// the callback threw: [`Runtime::after_callback`]).
    pub fn macrotask(&self, task: &Task) {
        let ok = self.call_task(task);
        self.after_callback(ok);
    }

    /// Calls a task's function; false if it threw (and the error was handled).
    pub(super) fn call_task(&self, task: &Task) -> bool {
        match task {
            // Borrowed: a queued entry is not copied to be run (an empty argument list
            // copies without allocating).
            Task::Call(cb, args) => {
                // No list made for no arguments (a clone is an out-of-line call).
                let r = if args.is_empty() {
                    cb.call_for_effect(&self.engine, [])
                } else {
                    cb.call_for_effect(&self.engine, args.clone())
                };
                self.settle(r, cb.source())
            }
            Task::Native(f) => {
                let r = f(&self.engine);
                self.settle(r, None)
            }
            Task::Io(p) => p.run(self),
        }
    }

    /// Emits an event on an emitter as a macrotask: then the drain, or the drain
    /// owed when a listener threw and the throw was handled (the settle rule, as
    /// for timers: Node's callback scope skips the tick queue after a throw).
    pub fn emit_macrotask(&self, emitter: &Emitter, event: &str, args: &[Dynamic]) {
        let ok = self.emit_settled(emitter, event, args);
        self.after_callback(ok);
    }

    /// Emits an event and settles what its listeners did; false if one threw (and
    /// it was handled): the settle result an `io::Handler` returns.
    pub fn emit_settled(&self, emitter: &Emitter, event: &str, args: &[Dynamic]) -> bool {
        let r = emitter.emit(&self.engine, event, args);
        self.settle(r.map(|_| Dynamic::UNIT), None)
    }
}
