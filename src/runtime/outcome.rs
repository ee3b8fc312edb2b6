//! What follows a call into script: the drain of nextTicks and microtasks after every
//! macrotask, the unhandled-rejection check, uncaught exceptions, and the ways out of
//! the process (`beforeExit`, `exit`, the flushes before the status is returned).

use rhai::{Dynamic, EvalAltResult};

use super::*;

impl Runtime {
    /// Deals with the outcome of a call into script: `process.exit()` ends the
    /// process, any other error is an uncaught exception. Returns true when it went
    /// well.
    pub fn settle(&self, r: Result<Dynamic, Box<EvalAltResult>>, source: Option<&str>) -> bool {
        match r {
            Ok(_) => true,
            Err(e) => self.settle_err(&e, source),
        }
    }

    // The drain's and the settling's work past their common case (nothing queued, no
    // error) is out of line: inline, its code sat between the hot blocks of every
    // callback from the loop, whose code did not fit the instruction cache (issue 17).

    #[cold]
    #[inline(never)]
    fn settle_err(&self, e: &EvalAltResult, source: Option<&str>) -> bool {
        if let Some(code) = self.st.exit_request.take() {
            self.exit(code);
        }
        let value = errors::value_of(&self.st, e, source);
        self.uncaught(value, "uncaughtException", Some((e, source)));
        false
    }

    /// What follows a callback from the loop (`ok`: it did not throw): the drain; or,
    /// when it threw and the throw was handled, the drain owed instead, as in Node,
    /// whose callback scope skips the tick queue after a throw: the rest runs after
    /// the next callback, at the latest when the next check phase starts.
    pub fn after_callback(&self, ok: bool) {
        if ok {
            self.drain();
        } else {
            self.st.lp.borrow_mut().set_resume_drain();
        }
    }

    /// Runs every nextTick, then every microtask, until both are empty, then the
    /// unhandled-rejection check; repeated while that schedules more.
    pub fn drain(&self) {
        loop {
            loop {
                let tick = self.st.ticks.borrow_mut().pop_front();
                let Some(tick) = tick else { break };
                {
                    if !self.call_task(&tick) {
                        // Node postpones the rest of the drain after a handled
                        // exception until after the next macrotask.
                        self.st.lp.borrow_mut().set_resume_drain();
                        return;
                    }
                }
            }
            if self.st.micro.has_jobs() {
                self.run_microtasks();
            }
            if !self.st.ticks.borrow().is_empty() {
                continue;
            }
            if !self.process_rejections() {
                break;
            }
        }
        if !self.st.flush_soon.borrow().is_empty() {
            self.flush_soon();
        }
        self.st.flush();
    }

    #[inline(never)]
    fn run_microtasks(&self) {
        while let Some(job) = self.st.micro.pop() {
            if let Err(e) = promise::run_job(job, &self.engine, &self.st.micro) {
                self.settle(Err(e), None);
            }
        }
    }

    /// The writes queued to run at the end of the drain.
    #[inline(never)]
    fn flush_soon(&self) {
        let mut writes = std::mem::take(&mut *self.st.flush_soon.borrow_mut());
        for write in writes.drain(..) {
            write();
        }
        // The list goes back for the next drain (no allocation per burst), unless
        // a flush queued another meanwhile.
        let mut slot = self.st.flush_soon.borrow_mut();
        if slot.is_empty() {
            *slot = writes;
        }
    }

    /// Node's `processPromiseRejections` in the default `throw` mode.
    pub(super) fn process_rejections(&self) -> bool {
        if !self.st.micro.has_rejection_work() {
            return false;
        }
        self.report_rejections();
        true
    }

    #[inline(never)]
    fn report_rejections(&self) {
        for p in self.st.micro.take_handled_late() {
            let r = self.st.process.emit(&self.engine, "rejectionHandled", &[Dynamic::from(p)]);
            if matches!(r, Ok(false)) {
                super::warning::warn(
                    &self.st,
                    "Promise rejection was handled asynchronously",
                    "PromiseRejectionHandledWarning",
                    None,
                );
            }
            self.settle(r.map(|_| Dynamic::UNIT), None);
        }
        for p in self.st.micro.take_unhandled() {
            p.mark_warned();
            let promise::State::Rejected(reason) = p.state() else { continue };
            if self.st.process.has("unhandledRejection") {
                let r = self.st.process.emit(&self.engine, "unhandledRejection", &[reason, Dynamic::from(p)]);
                self.settle(r.map(|_| Dynamic::UNIT), None);
            } else {
                self.uncaught(errors::rejection_error(reason), "unhandledRejection", None);
            }
        }
    }

    /// An exception nobody caught: `uncaughtExceptionMonitor`, then the
    /// `uncaughtException` listeners, or else the crash (exit listeners with code 1,
    /// the report on stderr, status 1). A throw inside a handler ends with status 7.
    pub fn uncaught(&self, err: Dynamic, origin: &str, at: Option<(&EvalAltResult, Option<&str>)>) {
        let args = [err.clone(), Dynamic::from(origin.to_string())];
        let r = self.st.process.emit(&self.engine, "uncaughtExceptionMonitor", &args);
        self.fatal_if_err(r);
        if self.st.process.has("uncaughtException") {
            let r = self.st.process.emit(&self.engine, "uncaughtException", &args);
            self.fatal_if_err(r);
            return;
        }
        let hook = self.st.on_uncaught.borrow().clone();
        if let Some(show) = hook {
            return show(self, &err, at);
        }
        self.st.exit_code.set(Some(1));
        self.emit_exit(1);
        let report = errors::crash_report(&self.st, &err, at);
        self.st.eprint(&report);
        self.finish(self.st.exit_code.get().unwrap_or(1))
    }

    /// An error thrown by an error handler itself: status 7, no `exit` event.
    pub(super) fn fatal_if_err(&self, r: Result<bool, Box<EvalAltResult>>) {
        if let Err(e) = r {
            if let Some(code) = self.st.exit_request.take() {
                self.exit(code);
            }
            let value = errors::value_of(&self.st, &e, None);
            let report = errors::crash_report(&self.st, &value, Some((&e, None)));
            self.st.eprint(&report);
            self.finish(7);
        }
    }

    pub(super) fn emit_before_exit(&self) {
        if self.st.exiting.get() {
            return;
        }
        let code = Dynamic::from(self.st.exit_code.get().unwrap_or(0) as i64);
        self.emit_macrotask(&self.st.process, "beforeExit", &[code]);
    }

    /// The loop ran dry: `exit` listeners, then the process ends. Like Node, promise
    /// reactions queued by `exit` listeners still run; timers and ticks never do.
    pub(super) fn exit_naturally(&self) -> ! {
        let code = self.st.exit_code.get().unwrap_or(0);
        self.emit_exit(code);
        while let Some(job) = self.st.micro.pop() {
            if promise::run_job(job, &self.engine, &self.st.micro).is_err() {
                break;
            }
        }
        self.finish(self.st.exit_code.get().unwrap_or(code))
    }

    /// `process.exit(code)`: the `exit` event, then the end, skipping everything queued.
    pub fn exit(&self, code: i32) -> ! {
        self.st.exit_code.set(Some(code));
        self.emit_exit(code);
        self.finish(self.st.exit_code.get().unwrap_or(code))
    }

    /// Emits `exit` once. `process.exit(n)` inside a listener stops the remaining
    /// listeners and sets the status; a listener that throws ends with status 1.
    pub(super) fn emit_exit(&self, code: i32) {
        if self.st.exiting.replace(true) {
            return;
        }
        for cb in self.st.process.snapshot("exit") {
            if let Err(e) = cb.call(&self.engine, vec![Dynamic::from(code as i64)]) {
                if let Some(code) = self.st.exit_request.take() {
                    self.st.exit_code.set(Some(code));
                    return;
                }
                let value = errors::value_of(&self.st, &e, cb.source());
                let report = errors::crash_report(&self.st, &value, Some((&e, cb.source())));
                self.st.eprint(&report);
                self.finish(1);
            }
        }
    }

    /// Flushes everything and ends the process with `code` (taken mod 256).
    pub fn finish(&self, code: i32) -> ! {
        self.st.flush();
        self.st.exit_work();
        std::process::exit(code & 0xff)
    }
}
