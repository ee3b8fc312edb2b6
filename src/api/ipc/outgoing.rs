//! A fork channel's write side and its end: writing the queue as the socket takes
//! it, `disconnect()` (which never blocks the loop), the peer's EOF, and the exit
//! flush (`crate::io::flush`) that writes what is left when the process ends.
//!
//! `disconnect()` follows Node's order: `connected` is false at once and
//! `disconnect` is emitted on the next tick. Node then closes the socket and drops
//! what was not written yet (a 1 MiB queue: 93 of 1 100 messages arrived); here the
//! queue is still written, in the background on the loop, reading and dropping the
//! peer's input meanwhile (as Node's closed channel would). The socket closes once
//! the queue is out, or the peer goes, or at exit through the exit flush. The
//! writing does not keep the process alive: at exit the flush finishes it.

use std::io;
use std::os::fd::BorrowedFd;
use std::rc::Rc;

use rhai::{Dynamic, Engine};

use super::Inner;
use crate::io::flush::{Backlog, Pending};
use crate::ipc::channel::Channel;
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

    /// Batches writes: everything sent by one macrotask goes out in as few system
    /// calls as the socket allows, right after its drain.
    pub(super) fn flush_later(&self) {
        if self.flush_queued.replace(true) {
            return;
        }
        let me = self.me.borrow().clone();
        self.st.flush_soon.borrow_mut().push(Rc::new(move || {
            if let Some(inner) = me.upgrade() {
                inner.flush_queued.set(false);
                inner.pump();
            }
        }));
    }

    /// Sends an internal message (`NODE_HANDLE_ACK` and friends).
    pub(super) fn send_internal(&self, json_text: &str) {
        if let Some(chan) = self.chan.borrow_mut().as_mut() {
            chan.enqueue(framing::encode(json_text), None);
        }
        self.pump();
    }

    /// Writes what the socket takes, queues the completion callbacks, and watches
    /// for writability while anything is left.
    pub(super) fn pump(&self) {
        if self.write_broken.get() {
            return;
        }
        let result = match self.chan.borrow_mut().as_mut() {
            Some(chan) => chan.flush().map(|done| (done, chan.wants_write())),
            None => return,
        };
        match result {
            Ok((done, more)) => {
                for id in done {
                    if let Some(cb) = self.callbacks.borrow_mut().remove(&id) {
                        self.st.next_tick(Task::Call(cb, vec![Dynamic::UNIT]));
                    }
                }
                if self.ending.get() && !more {
                    return self.release();
                }
                if more != self.writing.get() {
                    self.writing.set(more);
                    self.watch_writes(more);
                }
            }
            Err(_) => self.write_failed(),
        }
    }

    /// A write failed (EPIPE: the peer is gone). What the peer sent before it went
    /// may still be unread in the socket — a pool worker's last answers — and
    /// closing now would drop it (the pool then failed an answered job with the
    /// death that came after it, and ran the dead worker's next job twice). So
    /// only writing stops; the read side takes the rest and closes at the EOF that
    /// the peer's close makes readable (the poller is level-triggered). A channel
    /// that is ending reads nothing more: it closes now.
    fn write_failed(&self) {
        self.write_broken.set(true);
        if self.ending.get() {
            return self.release();
        }
        if self.writing.replace(false) {
            self.watch_writes(false);
        }
    }

    /// Watches the socket for reading, and for writing too when `on`.
    fn watch_writes(&self, on: bool) {
        if let (Some(token), Some(chan)) = (self.token.get(), self.chan.borrow().as_ref()) {
            let _ = self.st.set_interest(chan.fd(), token, true, on);
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
        let queued = self.chan.borrow_mut().as_mut().is_some_and(|chan| {
            chan.release_held();
            chan.has_output()
        });
        if !queued || self.write_broken.get() {
            return self.close();
        }
        self.connected.set(false);
        self.ending.set(true);
        self.update_ref();
        self.emit_disconnect();
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
    fn release(&self) {
        if self.ending.replace(false) {
            self.release_fd();
            self.closed_hook();
        }
    }

    /// While disconnecting: the peer's input is dropped; its EOF (or a reset) ends
    /// the writing too.
    pub(super) fn discard_input(&self) {
        let r = self.chan.borrow_mut().as_mut().map(Channel::discard_input);
        if !matches!(r, Some(Ok(false))) {
            self.release();
        }
    }

    pub(super) fn ending(&self) -> bool {
        self.ending.get()
    }

    /// Closes the socket; sends whose callbacks are still waiting failed.
    fn release_fd(&self) {
        if let (Some(token), Some(chan)) = (self.token.take(), self.chan.borrow().as_ref()) {
            self.st.unwatch(chan.fd(), token);
        }
        self.chan.borrow_mut().take();
        let pending: Vec<Callback> = self.callbacks.borrow_mut().drain().map(|(_, cb)| cb).collect();
        for cb in pending {
            self.st.next_tick(Task::Call(cb, vec![closed_error()]));
        }
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

/// At exit, what the channel still has queued (held-back messages included: no ACK
/// will come now) goes through the exit flush.
impl Pending for Inner {
    fn flush_fd(&self, f: &mut dyn FnMut(BorrowedFd<'_>)) {
        if self.write_broken.get() {
            return;
        }
        if let Some(c) = self.chan.borrow().as_ref().filter(|c| c.has_output()) {
            f(c.fd());
        }
    }

    fn write_now(&self) -> io::Result<usize> {
        let mut chan = self.chan.borrow_mut();
        let Some(chan) = chan.as_mut() else { return Ok(0) };
        chan.release_held();
        let before = chan.backlog().1;
        chan.flush()?;
        Ok(before - chan.backlog().1)
    }

    fn backlog(&self) -> Backlog {
        let (items, bytes) = self.chan.borrow().as_ref().map(Channel::backlog).unwrap_or((0, 0));
        Backlog { items, bytes, unit: "message" }
    }

    fn peer(&self) -> String {
        self.peer.borrow().clone()
    }
}
