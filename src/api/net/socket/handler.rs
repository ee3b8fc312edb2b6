//! What the socket does with its stream's events: each becomes the consumer's call
//! and the script's event, settled; the result says whether script threw, and the
//! host drains (or leaves the drain owed) after it (`io::Handler::event`).

use rhai::{Dynamic, Map};

use super::SocketInner;
use crate::api::net::errors;
use crate::io::{Event, Handler, IoError};
use crate::runtime::Runtime;
use crate::value::error;

/// The error object a script sees for `e`.
pub(crate) fn error_of(e: &IoError) -> Map {
    match e {
        IoError::Sys { errno, syscall } => error::syscall(syscall, *errno),
        IoError::Connect { errno, to } => errors::connect(*errno, to),
        IoError::Destroyed => {
            error::coded("Error", "ERR_STREAM_DESTROYED", "Cannot call write after a stream was destroyed")
        }
        IoError::WriteAfterEnd => error::coded("Error", "ERR_STREAM_WRITE_AFTER_END", "write after end"),
    }
}

impl Handler<Runtime> for SocketInner {
    fn event(&self, rt: &Runtime, ev: Event) -> bool {
        match ev {
            Event::Connect => self.on_connect(rt),
            Event::Data(bytes) => self.deliver(rt, bytes),
            Event::End => self.on_eof(rt),
            Event::Finish => self.on_finish(rt),
            Event::Drain => {
                let consumer = self.consumer.borrow().clone();
                let r = consumer
                    .map_or(Ok(()), |c| c.drained(&rt.engine))
                    .and_then(|_| self.emitter.emit(&rt.engine, "drain", &[]).map(drop));
                rt.settle(r.map(|_| Dynamic::UNIT), None)
            }
            Event::Written { id, err } => self.written(rt, id, err.as_ref().map(error_of)),
            Event::Error(e) => self.on_error(rt, &e),
            Event::Close { had_error } => self.on_close(rt, had_error),
            // A stream accepts nothing (that is a listener's event).
            Event::Accepted(_) => true,
        }
    }

    fn destroyed(&self) {
        self.inbox.borrow_mut().clear();
        let server = self.server.borrow_mut().take();
        if let Some(server) = server {
            server.connection_closed();
        }
        let consumer = self.consumer.borrow().clone();
        if let Some(c) = consumer {
            c.closed();
        }
    }
}

impl SocketInner {
    fn on_connect(&self, rt: &Runtime) -> bool {
        let consumer = self.consumer.borrow().clone();
        let r = consumer
            .map_or(Ok(()), |c| c.connected(&rt.engine))
            .and_then(|_| self.emitter.emit(&rt.engine, "connect", &[]))
            .and_then(|_| self.emitter.emit(&rt.engine, "ready", &[]));
        rt.settle(r.map(|_| Dynamic::UNIT), None)
    }

    fn on_finish(&self, rt: &Runtime) -> bool {
        self.finished.set(true);
        let ok = rt.emit_settled(&self.emitter, "finish", &[]);
        if self.destroy_on_finish.get() {
            self.destroy(None);
        }
        self.maybe_destroy();
        ok
    }

    /// A consumer (the HTTP server) handles its socket's errors, as Node's own
    /// `error` listener does; the script's listeners still hear them.
    fn on_error(&self, rt: &Runtime, e: &IoError) -> bool {
        let given = match e {
            IoError::Destroyed => self.destroy_error.borrow_mut().take(),
            _ => None,
        };
        let e = given.unwrap_or_else(|| error_of(e));
        let consumer = self.consumer.borrow().clone();
        let r = match consumer {
            Some(c) => c.error(&rt.engine, &e).and_then(|_| {
                if self.emitter.has("error") {
                    self.emitter.emit(&rt.engine, "error", &[e.clone().into()]).map(drop)
                } else {
                    Ok(())
                }
            }),
            None => self.emitter.emit(&rt.engine, "error", &[e.into()]).map(drop),
        };
        // As before the stream core: an `error` that threw takes its `close` with it.
        let ok = rt.settle(r.map(|_| Dynamic::UNIT), None);
        if !ok {
            self.error_threw.set(true);
        }
        ok
    }

    fn on_close(&self, rt: &Runtime, had_error: bool) -> bool {
        let mut ok = true;
        if !self.error_threw.get() {
            let consumer = self.consumer.borrow().clone();
            let r = consumer
                .map_or(Ok(()), |c| c.close_phase(&rt.engine))
                .and_then(|_| self.emitter.emit(&rt.engine, "close", &[Dynamic::from(had_error)]).map(drop));
            ok = rt.settle(r.map(|_| Dynamic::UNIT), None);
        }
        // Nothing reaches the consumer after this: let it go, or a consumer that
        // holds its socket (an HTTP connection) and the socket keep each other alive.
        self.consumer.borrow_mut().take();
        ok
    }
}
