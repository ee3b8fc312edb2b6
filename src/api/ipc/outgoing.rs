//! A fork channel's write side and its end: batching what a macrotask sends (the
//! stream is corked until the drain is over), `disconnect()` (which never blocks the
//! loop), and the peer's EOF. The queue, the ACK gate and the exit flush
//! (`crate::io::flush`, which writes what is left when the process ends) are the
//! stream's.
//!
//! `disconnect()` follows Node's order: `connected` is false at once and
//! `disconnect` is emitted on the next tick. Node then closes the socket and drops
//! what was not written yet (a 1 MiB queue: 93 of 1 100 messages arrived); here the
//! queue is still written, in the background on the loop, reading and dropping the
//! peer's input meanwhile (as Node's closed channel would). The socket closes once
//! the queue is out, or the peer goes, or at exit through the exit flush. The
//! writing does not keep the process alive: at exit the flush finishes it.

use std::rc::Rc;

use rhai::{Dynamic, Engine};

use super::Inner;
use crate::ipc::framing;
use crate::runtime::Task;
use crate::runtime::callback::Callback;
use crate::value::error;

impl Inner {
    /// A send that cannot be made: its callback gets `err`, or without one the
    /// owner emits `error` (Node's rule), on the next tick.
    pub(super) fn fail_later(&self, cb: Option<Callback>, err: Dynamic) {
        match cb {
            Some(cb) => self.st.next_tick(Task::Call(cb, vec![err])),
            None => {
                let owner = self.owner.clone();
                self.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| {
                    owner.emit(engine, "error", std::slice::from_ref(&err)).map(|_| Dynamic::UNIT)
                })));
            }
        }
    }

    /// Batches writes, called after each send: the first send of a macrotask on an
    /// idle channel was written at once (the stream was not corked yet), as Node
    /// writes every send at once (libuv tries the write before queueing it): the peer
    /// starts on it while this side finishes its callback (a pool's next job goes out
    /// before the finished job's callback runs, as in Node's pools). Later sends of
    /// the same macrotask are corked: they go out in as few system calls as the
    /// socket allows, right after its drain (or in batches while a long burst is
    /// still being sent: `io::Stream::cork`).
    pub(super) fn flush_later(&self) {
        if self.flush_queued.replace(true) {
            return;
        }
        self.stream.cork();
        self.st.flush_soon.borrow_mut().push(self.flush_task.clone());
    }

    /// The end-of-drain flush [`Inner::flush_later`] queues: made once per channel
    /// (a reference count per burst, not a closure).
    pub(super) fn make_flush_task(me: &std::rc::Weak<Inner>) -> Rc<dyn Fn()> {
        let me = me.clone();
        Rc::new(move || {
            if let Some(inner) = me.upgrade() {
                inner.flush_queued.set(false);
                inner.stream.uncork();
                inner.written_out();
            }
        })
    }

    /// Sends an internal message (`NODE_HANDLE_ACK` and friends).
    pub(super) fn send_internal(&self, json_text: &str) {
        self.stream.write(framing::encode(json_text), None);
        self.pump();
    }

    /// Writes what the socket takes now (the stream watches for writability while
    /// anything is left, and queues the completion callbacks).
    pub(super) fn pump(&self) {
        self.stream.flush_writes();
        self.written_out();
    }

    /// A disconnecting channel whose queue is out (or can never be) is done.
    fn written_out(&self) {
        if self.ending.get() && (self.stream.writable_length() == 0 || self.stream.write_broken()) {
            self.release();
        }
    }

    /// `disconnect()`: no more sends; `disconnect` on the next tick; the queue is
    /// written in the background (see the module doc). A second call is an `error`
    /// (ERR_IPC_DISCONNECTED), as in Node.
    pub fn disconnect(&self) {
        if !self.connected() {
            let err = error::coded("Error", "ERR_IPC_DISCONNECTED", "IPC channel is already disconnected");
            self.fail_later(None, err.into());
            return;
        }
        // Nothing will acknowledge a handle now: `end` releases what the gate held.
        if self.stream.writable_length() == 0 || self.stream.write_broken() {
            return self.close();
        }
        self.connected.set(false);
        self.ending.set(true);
        self.update_ref();
        self.emit_disconnect();
        self.stream.end();
        self.pump();
    }

    /// The channel is gone (the peer's EOF, a read error, or our disconnect with
    /// nothing queued).
    pub(super) fn close(&self) {
        if !self.connected.replace(false) {
            return;
        }
        self.update_ref();
        self.release_fd();
        self.emit_disconnect();
        self.closed_hook();
    }

    /// A disconnecting channel is done: its queue is written or can never be.
    pub(super) fn release(&self) {
        if self.ending.replace(false) {
            self.release_fd();
            self.closed_hook();
        }
    }

    pub(super) fn ending(&self) -> bool {
        self.ending.get()
    }

    /// Closes the socket; sends whose callbacks are still waiting fail (the stream
    /// reports each dropped write on a tick, in order).
    fn release_fd(&self) {
        self.stream.destroy(None);
    }

    fn emit_disconnect(&self) {
        let owner = self.owner.clone();
        self.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| {
            owner.emit(engine, "disconnect", &[]).map(|_| Dynamic::UNIT)
        })));
    }

    fn closed_hook(&self) {
        if let Some(f) = self.on_closed.borrow_mut().take() {
            f();
        }
    }
}

/// What a send on a closed channel fails with.
pub(super) fn closed_error() -> Dynamic {
    error::coded("Error", "ERR_IPC_CHANNEL_CLOSED", "Channel closed").into()
}
