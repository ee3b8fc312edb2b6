//! The timers of one HTTP connection that Node runs besides keep-alive: the request
//! clock (`headersTimeout`/`requestTimeout`: Node's `ERR_HTTP_REQUEST_TIMEOUT`, a
//! 408 and the socket destroyed: the slow-loris guard) and `server.timeout`
//! (`server.setTimeout`): a socket with no traffic that long is the server's
//! `timeout` event, or destroyed when nobody listens. All timers are unref'd: the
//! socket, not its timers, keeps the process alive.

use std::rc::Rc;

use rhai::{Dynamic, Engine};

use super::Conn;
use crate::runtime::Task;
use crate::value::error;

impl Conn {
    /// A request begins: its head must be complete within `headersTimeout`.
    pub(super) fn start_request_clock(&self) {
        let now = self.st.update_time();
        self.req_start.set(Some(now));
        self.arm_request_timer(true);
    }

    pub(super) fn stop_request_clock(&self) {
        self.req_start.set(None);
        if let Some(id) = self.req_timer.take() {
            self.st.timer_clear(id);
        }
    }

    /// Arms the timer for the phase the request is in: its head (`headersTimeout`,
    /// capped by `requestTimeout` as both run from the request's start) or its body.
    pub(super) fn arm_request_timer(&self, head_phase: bool) {
        if let Some(id) = self.req_timer.take() {
            self.st.timer_clear(id);
        }
        let Some(start) = self.req_start.get() else { return };
        let (hd, rq) = (self.http.headers_timeout.get(), self.http.request_timeout.get());
        let limit = match (head_phase, hd, rq) {
            (true, 0, 0) | (false, _, 0) => return,
            (true, 0, r) | (true, r, 0) => r,
            (true, h, r) => h.min(r),
            (false, _, r) => r,
        };
        if self.closed.get() {
            return;
        }
        let me = self.me.clone();
        let now = self.st.update_time();
        let left = (start + limit).saturating_sub(now).max(1);
        let id = self.st.timer_start_at(
            now,
            left,
            Task::Native(Rc::new(move |engine: &Engine| {
                let Some(c) = me.upgrade() else { return Ok(Dynamic::UNIT) };
                c.req_timer.set(None);
                if c.req_start.take().is_none() || c.closed.get() {
                    return Ok(Dynamic::UNIT);
                }
                let err = error::coded("Error", "ERR_HTTP_REQUEST_TIMEOUT", "Request timeout");
                c.client_error(engine, err, Some(408)).map(|_| Dynamic::UNIT)
            })),
        );
        self.st.timer_set_ref(id, false);
        self.req_timer.set(Some(id));
    }

    /// Traffic on the socket: `server.timeout` starts again.
    pub(super) fn touch(&self) {
        if let Some(id) = self.sock_timer.take() {
            self.st.timer_clear(id);
        }
        let ms = self.http.timeout.get();
        if ms == 0 || self.closed.get() {
            return;
        }
        let me = self.me.clone();
        let id = super::super::unref_timeout(&self.st, ms, move |engine: &Engine| {
            let Some(c) = me.upgrade() else { return Ok(Dynamic::UNIT) };
            c.sock_timer.set(None);
            if c.closed.get() {
                return Ok(Dynamic::UNIT);
            }
            // Node's `socketOnTimeout`: the server's listener decides, else destroy.
            if c.server.emitter().has("timeout") {
                let args = [Dynamic::from(c.sock.clone())];
                return c.server.emitter().emit(engine, "timeout", &args).map(|_| Dynamic::UNIT);
            }
            c.sock.destroy(None);
            Ok(Dynamic::UNIT)
        });
        self.sock_timer.set(Some(id));
    }
}
