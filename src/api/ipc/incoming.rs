//! A fork channel's read side past the decoder: each frame becomes a `message` (with
//! a passed handle), an `internalMessage` or an `error` (`ERR_IPC_BAD_MESSAGE`); a
//! message waits in a bounded backlog while nobody listens for `message`, as Node
//! buffers it, and each one delivered gets its own tick, in order.

use std::os::fd::OwnedFd;
use std::rc::Rc;

use rhai::{Dynamic, Engine, ImmutableString, Map};

use super::{BACKLOG_ENTRY, BACKLOG_MAX, HandleCodec, Inner};
use crate::ipc::framing::{self, Frame};
use crate::runtime::Task;
use crate::value::error;

impl Inner {
    /// A `message` listener was added: deliver what waited for it.
    pub fn flush_backlog(&self) {
        if !self.owner.has("message") {
            return;
        }
        let waiting = std::mem::take(&mut *self.backlog.borrow_mut());
        self.backlog_bytes.set(0);
        self.backlog_dropped.set(0);
        for (msg, handle) in waiting {
            self.deliver(msg, handle, 0);
        }
    }

    /// Emits `msg` on the next tick, or keeps it (within [`BACKLOG_MAX`]) until a
    /// `message` listener exists.
    fn deliver(&self, msg: Dynamic, handle: Dynamic, size: usize) {
        if !self.owner.has("message") {
            let weight = self.backlog_bytes.get() + size + BACKLOG_ENTRY;
            if weight > BACKLOG_MAX {
                if self.backlog_dropped.replace(self.backlog_dropped.get() + 1) == 0 {
                    self.st.eprint(&format!(
                        "procbox: warning: no 'message' listener and {} MiB of messages already waiting; \
                         dropping further messages until one is added\n",
                        BACKLOG_MAX >> 20
                    ));
                }
                return;
            }
            self.backlog_bytes.set(weight);
            self.backlog.borrow_mut().push_back((msg, handle));
            return;
        }
        // The message moves into the emit instead of being copied.
        self.inbox.push(msg, handle);
        self.st.next_tick(self.emit_next.clone());
    }

    /// A plain message line for the listener, decoded on its tick
    /// (`ipc::channel::Line::Later`: only while a `message` listener exists).
    pub(super) fn deliver_line(&self, text: &[u8]) {
        self.inbox.push_line(text);
        self.st.next_tick(self.emit_next.clone());
    }

    fn emit_later(&self, event: &'static str, arg: Dynamic) {
        let owner = self.owner.clone();
        self.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| {
            owner.emit(engine, event, std::slice::from_ref(&arg)).map(|_| Dynamic::UNIT)
        })));
    }

    /// `cmd`: the message's `cmd` field, as the reader looked it up.
    fn on_message(&self, v: Dynamic, fd: Option<OwnedFd>, size: usize, cmd: Option<ImmutableString>) {
        let tap = self.tap.borrow().clone();
        let (v, cmd) = match tap {
            Some(tap) => match tap(v) {
                // What the tap gives back is looked at anew.
                Some(v) => {
                    let cmd = framing::command(&v);
                    (v, cmd)
                }
                None => return,
            },
            None => (v, cmd),
        };
        let Some(cmd) = cmd.filter(|c| framing::is_internal_command(c)) else {
            self.deliver(v, Dynamic::UNIT, size);
            return;
        };
        match cmd.as_str() {
            "NODE_HANDLE_ACK" => {
                self.stream.ack();
                self.pump();
            }
            "NODE_HANDLE_NACK" => {
                self.stream.ack();
                let err = error::coded("Error", "ERR_IPC_HANDLE_REJECTED", "The peer could not take the handle");
                self.emit_later("error", err.into());
                self.pump();
            }
            "NODE_HANDLE" => {
                let mut v = v;
                let mut take = |name: &str| v.write_lock::<Map>().and_then(|mut m| m.remove(name)).unwrap_or_default();
                let kind = take("type").read_lock::<ImmutableString>().map(|s| s.to_string()).unwrap_or_default();
                let made = fd.and_then(|fd| {
                    let from_fd = self.st.slots.get::<HandleCodec>()?.from_fd;
                    from_fd(&self.st, &kind, fd)
                });
                match made {
                    Some(handle) => {
                        self.send_internal("{\"cmd\":\"NODE_HANDLE_ACK\"}");
                        self.deliver(take("msg"), handle, size);
                    }
                    None => self.send_internal("{\"cmd\":\"NODE_HANDLE_NACK\"}"),
                }
            }
            _ => self.emit_later("internalMessage", v),
        }
    }

    pub(super) fn on_frame(&self, frame: Frame, handle: Option<OwnedFd>, size: usize, cmd: Option<ImmutableString>) {
        match frame {
            Frame::Message(v) => self.on_message(v, handle, size, cmd),
            Frame::Malformed { error, excerpt } => self.emit_later("error", frame_error(&error, &excerpt)),
            Frame::TooLarge(n) => self.emit_later("error", too_large_error(n)),
        }
    }
}

/// A line over the channel's size limit, as an `error` event's value.
pub(super) fn too_large_error(size: usize) -> Dynamic {
    frame_error(&format!("message of {size} bytes over the limit"), "")
}

pub(super) fn frame_error(error_text: &str, excerpt: &str) -> Dynamic {
    let mut m: Map = error::coded("Error", "ERR_IPC_BAD_MESSAGE", &format!("Malformed IPC message: {error_text}"));
    m.insert("data".into(), excerpt.into());
    m.into()
}
