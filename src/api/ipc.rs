//! The script side of a fork channel: `send`, the `message`/`disconnect` events,
//! `connected`, `disconnect()`, and handle passing. One [`Endpoint`] serves both ends:
//! `process` in a forked child, and each `ChildProcess` in the parent.
//!
//! ```rhai
//! // child.rhai, started with fork("child.rhai")
//! process.on("message", |msg| process.send(#{echo: msg}));
//! // parent
//! let child = fork("child.rhai");
//! child.on("message", |msg| { print(msg.echo); child.disconnect(); });
//! child.send("hello");
//! ```
//!
//! Each message is emitted on its own nextTick, as Node does; messages that arrive
//! while no `message` listener exists wait for one (Node 20 keeps them all; here at
//! most [`BACKLOG_MAX`] bytes wait, later ones are dropped with one warning, so a
//! peer cannot fill our memory). A malformed line is an `error`
//! event and the messages after it still arrive (Node crashes). Everything queued is
//! written before the process exits, whatever its size, while the peer reads
//! (`outgoing`: the write side, `disconnect()` and the exit flush; `parent`: the
//! channel to our own parent).

mod outgoing;
use outgoing::closed_error;
mod parent;

pub use parent::{parent, register};

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::os::fd::OwnedFd;
use std::rc::Rc;

use rhai::{Dynamic, Engine, ImmutableString, Map};

use crate::event_loop::Ready;
use crate::ipc::channel::Channel;
use crate::ipc::framing::{self, Frame};
use crate::runtime::callback::Callback;
use crate::runtime::emitter::Emitter;
use crate::runtime::{Runtime, Source, State, Task};
use crate::value::{error, json};

/// Wire bytes of messages kept for a `message` listener that does not exist yet.
pub const BACKLOG_MAX: usize = 8 << 20;
/// What one waiting message counts besides its bytes (its bookkeeping).
const BACKLOG_ENTRY: usize = 128;

/// Turns a script value into a passable descriptor (`net.Server` → its listening
/// socket) and back. Put in a slot on the runtime state by the net bindings; looked
/// up only when a handle is sent or received.
pub struct HandleCodec {
    pub to_fd: fn(&Dynamic) -> Option<(OwnedFd, &'static str)>,
    pub from_fd: fn(&Rc<State>, &str, OwnedFd) -> Option<Dynamic>,
}

pub struct Inner {
    st: Rc<State>,
    /// Where `message`, `disconnect`, `error` and `internalMessage` are emitted.
    owner: Emitter,
    chan: RefCell<Option<Channel>>,
    token: Cell<Option<u64>>,
    writing: Cell<bool>,
    /// A write failed: nothing more is written; reads go on to the EOF.
    write_broken: Cell<bool>,
    connected: Cell<bool>,
    /// Counted as a ref'd loop handle right now.
    /// Holds the loop while active and ref'd.
    hold: Cell<Option<crate::event_loop::Hold>>,
    /// The liveness policy's wish (parent: while open; child: while listened to).
    want_ref: Cell<bool>,
    callbacks: RefCell<HashMap<u64, Callback>>,
    /// Messages whose `message` tick is queued, in order: each run of `emit_next`
    /// (one tick per message, as Node) emits the first. One shared task instead of a
    /// closure made per message.
    inbox: Rc<RefCell<VecDeque<(Dynamic, Dynamic)>>>,
    emit_next: Task,
    /// Messages waiting for a `message` listener.
    backlog: RefCell<VecDeque<(Dynamic, Dynamic)>>,
    /// The backlog's weight, and how many messages it turned away since it last emptied.
    backlog_bytes: Cell<usize>,
    backlog_dropped: Cell<u64>,
    /// A flush is already queued for the end of this drain.
    flush_queued: Cell<bool>,
    me: RefCell<std::rc::Weak<Inner>>,
    /// Called once when the channel is gone (the parent's `close` waits for it).
    on_closed: RefCell<Option<Box<dyn Fn()>>>,
    /// Host code reading messages before the script does (the process pool).
    tap: RefCell<Option<Tap>>,
    /// `disconnect()` was called and the queue is still being written.
    ending: Cell<bool>,
    /// Who is at the other end, as the exit flush's warning names it.
    peer: RefCell<String>,
}

/// Sees each incoming message first, on the loop's turn (no nextTick); gives it back
/// to go the usual way, or keeps it (`None`).
pub type Tap = Rc<dyn Fn(Dynamic) -> Option<Dynamic>>;

#[derive(Clone)]
pub struct Endpoint(pub Rc<Inner>);

impl Endpoint {
    /// Opens an endpoint over `fd` reporting to `owner`.
    pub fn open(st: &Rc<State>, fd: OwnedFd, owner: Emitter, want_ref: bool) -> std::io::Result<Endpoint> {
        let chan = Channel::new(fd)?;
        let inbox: Rc<RefCell<VecDeque<(Dynamic, Dynamic)>>> = Rc::default();
        let emit_next = {
            let (owner, inbox) = (owner.clone(), inbox.clone());
            Task::Native(Rc::new(move |engine: &Engine| {
                let Some((msg, handle)) = inbox.borrow_mut().pop_front() else { return Ok(Dynamic::UNIT) };
                owner.emit_owned(engine, "message", vec![msg, handle]).map(|_| Dynamic::UNIT)
            }))
        };
        let ep = Endpoint(Rc::new(Inner {
            st: st.clone(),
            owner,
            chan: RefCell::new(Some(chan)),
            token: Cell::new(None),
            writing: Cell::new(false),
            write_broken: Cell::new(false),
            connected: Cell::new(true),
            hold: Cell::new(None),
            want_ref: Cell::new(want_ref),
            callbacks: RefCell::new(HashMap::new()),
            inbox,
            emit_next,
            backlog: RefCell::new(VecDeque::new()),
            backlog_bytes: Cell::new(0),
            backlog_dropped: Cell::new(0),
            on_closed: RefCell::new(None),
            tap: RefCell::new(None),
            flush_queued: Cell::new(false),
            me: RefCell::new(std::rc::Weak::new()),
            ending: Cell::new(false),
            peer: RefCell::new("the IPC channel".into()),
        }));
        *ep.0.me.borrow_mut() = Rc::downgrade(&ep.0);
        let token =
            st.watch(ep.0.chan.borrow().as_ref().map(Channel::fd).expect("opened above"), ep.0.clone(), true, false)?;
        ep.0.token.set(Some(token));
        ep.0.update_ref();
        let strong: Rc<dyn crate::io::flush::Pending> = ep.0.clone();
        st.exit_flush.register(Rc::downgrade(&strong));
        Ok(ep)
    }
}

impl std::ops::Deref for Endpoint {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl Inner {
    pub fn connected(&self) -> bool {
        self.connected.get()
    }

    pub fn on_closed(&self, f: Box<dyn Fn()>) {
        *self.on_closed.borrow_mut() = Some(f);
    }

    /// Names the peer in the exit flush's warning ("the IPC channel to child 42").
    pub fn set_peer(&self, name: &str) {
        *self.peer.borrow_mut() = name.to_string();
    }

    pub fn set_tap(&self, tap: Option<Tap>) {
        *self.tap.borrow_mut() = tap;
    }

    /// Sends a message already in JSON text (host code that serialized it once):
    /// batched like `send`, or written `now` (a progress report from a job that may
    /// not let the drain end soon). False when the channel is closed or above the
    /// high-water mark.
    pub fn send_json(&self, json_text: &str, now: bool) -> bool {
        if !self.connected() {
            return false;
        }
        let below = match self.chan.borrow_mut().as_mut() {
            Some(chan) => chan.enqueue(framing::encode(json_text), None).1,
            None => return false,
        };
        if now {
            self.pump();
        } else {
            self.flush_later();
        }
        below
    }

    /// Changes the liveness wish (`channel.ref()`/`unref()`, listener changes).
    pub fn set_want_ref(&self, on: bool) {
        self.want_ref.set(on);
        self.update_ref();
    }

    fn update_ref(&self) {
        let want = self.want_ref.get() && self.connected.get();
        self.st.set_hold(&self.hold, want);
    }

    /// `send(msg, handle?, cb?)`: false when the channel is closed or the queue is
    /// above the high-water mark (the message is still sent, in order).
    pub fn send(
        &self,
        msg: &Dynamic,
        handle: Option<&Dynamic>,
        cb: Option<Callback>,
    ) -> Result<bool, Box<rhai::EvalAltResult>> {
        if !self.connected() {
            self.fail_later(cb, closed_error());
            return Ok(false);
        }
        let Some(text) = json::stringify(msg, "") else {
            return Err(error::throw(error::coded(
                "TypeError",
                "ERR_MISSING_ARGS",
                "The \"message\" argument must be specified",
            )));
        };
        let (text, fd) = match handle {
            None => (text, None),
            Some(h) => {
                let codec = self.st.slots.get::<HandleCodec>().map(|c| c.to_fd);
                let Some((fd, kind)) = codec.and_then(|to_fd| to_fd(h)) else {
                    return Err(error::throw(error::coded(
                        "TypeError",
                        "ERR_INVALID_HANDLE_TYPE",
                        "This handle type cannot be sent",
                    )));
                };
                (
                    format!(
                        "{{\"cmd\":\"NODE_HANDLE\",\"type\":{},\"msg\":{text}}}",
                        serde_json::to_string(kind).unwrap_or_default()
                    ),
                    Some(fd),
                )
            }
        };
        // The line is the JSON text plus "\n": appended in place, not copied.
        let mut line = text.into_bytes();
        line.push(b'\n');
        let (id, below) = self.chan.borrow_mut().as_mut().expect("connected").enqueue(line, fd);
        if let Some(cb) = cb {
            self.callbacks.borrow_mut().insert(id, cb);
        }
        self.flush_later();
        Ok(below)
    }

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
        self.inbox.borrow_mut().push_back((msg, handle));
        self.st.next_tick(self.emit_next.clone());
    }

    fn emit_later(&self, event: &'static str, arg: Dynamic) {
        let owner = self.owner.clone();
        self.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| {
            owner.emit(engine, event, std::slice::from_ref(&arg)).map(|_| Dynamic::UNIT)
        })));
    }

    fn on_message(&self, v: Dynamic, fd: Option<OwnedFd>, size: usize) {
        let tap = self.tap.borrow().clone();
        let v = match tap {
            Some(tap) => match tap(v) {
                Some(v) => v,
                None => return,
            },
            None => v,
        };
        if !framing::is_internal(&v) {
            self.deliver(v, Dynamic::UNIT, size);
            return;
        }
        match framing::command(&v).as_deref() {
            Some("NODE_HANDLE_ACK") => {
                if let Some(chan) = self.chan.borrow_mut().as_mut() {
                    chan.ack();
                }
                self.pump();
            }
            Some("NODE_HANDLE_NACK") => {
                if let Some(chan) = self.chan.borrow_mut().as_mut() {
                    chan.ack();
                }
                let err = error::coded("Error", "ERR_IPC_HANDLE_REJECTED", "The peer could not take the handle");
                self.emit_later("error", err.into());
                self.pump();
            }
            Some("NODE_HANDLE") => {
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
}

fn frame_error(error_text: &str, excerpt: &str) -> Dynamic {
    let mut m: Map = error::coded("Error", "ERR_IPC_BAD_MESSAGE", &format!("Malformed IPC message: {error_text}"));
    m.insert("data".into(), excerpt.into());
    m.into()
}

impl Source for Inner {
    fn on_ready(&self, rt: &Runtime, ready: Ready) {
        if self.ending() {
            if ready.writable {
                self.pump();
            }
            if ready.readable && self.ending() {
                self.discard_input();
            }
            return rt.drain();
        }
        if ready.writable {
            self.pump();
        }
        if ready.readable && self.connected.get() {
            let read = match self.chan.borrow_mut().as_mut() {
                Some(chan) => chan.read(),
                None => return,
            };
            match read {
                Ok((incoming, eof)) => {
                    for msg in incoming {
                        match msg.frame {
                            Frame::Message(v) => self.on_message(v, msg.handle, msg.size),
                            Frame::Malformed { error, excerpt } => {
                                self.emit_later("error", frame_error(&error, &excerpt))
                            }
                            Frame::TooLarge(n) => self
                                .emit_later("error", frame_error(&format!("message of {n} bytes over the limit"), "")),
                        }
                    }
                    if eof {
                        self.close();
                    }
                }
                Err(_) => self.close(),
            }
        }
        rt.drain();
    }
}
