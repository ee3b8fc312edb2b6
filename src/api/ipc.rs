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
//! (`outgoing`: the write side and `disconnect()`; `parent`: the channel to our own
//! parent). The socket is an `io::Stream` (`ipc::channel::stream_opts`): its queue,
//! ACK gate and exit flush; this binding hears its reads through `Handler::read`.

mod inbox;
mod incoming;
mod outgoing;
use outgoing::closed_error;
mod parent;

pub use parent::{parent, register};

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::os::fd::OwnedFd;
use std::rc::Rc;

use rhai::{Dynamic, Engine};

use crate::io::{Event, Handler, Stream};
use crate::ipc::channel::{self, Line, Reader};
use crate::ipc::framing;
use crate::runtime::callback::Callback;
use crate::runtime::emitter::Emitter;
use crate::runtime::{Runtime, State, Task};
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
    /// The socket: writes, the ACK gate, liveness, the exit flush.
    stream: Rc<Stream<Runtime>>,
    reader: RefCell<Reader>,
    connected: Cell<bool>,
    /// The liveness policy's wish (parent: while open; child: while listened to).
    want_ref: Cell<bool>,
    /// Send callbacks by the stream's completion id.
    callbacks: RefCell<HashMap<u64, Callback>>,
    /// Messages whose `message` tick is queued, in order: each run of `emit_next`
    /// (one tick per message, as Node) emits the first. One shared task instead of a
    /// closure made per message.
    inbox: Rc<inbox::Inbox>,
    emit_next: Task,
    next_id: Cell<u64>,
    /// Messages waiting for a `message` listener.
    backlog: RefCell<VecDeque<(Dynamic, Dynamic)>>,
    /// The backlog's weight, and how many messages it turned away since it last emptied.
    backlog_bytes: Cell<usize>,
    backlog_dropped: Cell<u64>,
    /// A flush is already queued for the end of this drain.
    flush_queued: Cell<bool>,
    /// What `flush_later` queues (`Inner::make_flush_task`).
    flush_task: Rc<dyn Fn()>,
    /// Called once when the channel is gone (the parent's `close` waits for it).
    on_closed: RefCell<Option<Box<dyn Fn()>>>,
    /// Host code reading messages before the script does (the process pool).
    tap: RefCell<Option<Tap>>,
    /// Host code reading plain lines as text, before anything is decoded.
    raw_tap: RefCell<Option<RawTap>>,
    /// `disconnect()` was called and the queue is still being written.
    ending: Cell<bool>,
    /// `send`'s line buffer, reused (`Inner::send_plain`).
    line: RefCell<String>,
}

/// When a host-made line is written ([`Inner::send_line`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SendWhen {
    /// At once (a progress report, a worker's answer).
    Now,
    /// As `send`: at once on an idle channel, else with the rest of this macrotask's.
    Soon,
    /// With the rest of this macrotask's, after its drain, in one write: for a peer
    /// known to have work already (a pool job sent ahead), where a write of its own
    /// would only cost a system call and a wake-up.
    Batch,
}

/// Sees each incoming message first, on the loop's turn (no nextTick); gives it back
/// to go the usual way, or keeps it (`None`).
pub type Tap = Rc<dyn Fn(Dynamic) -> Option<Dynamic>>;

/// Sees a plain line's text (no `cmd` key, no backslash: never internal, no handle;
/// its newline left out) before it is decoded, when the read brought more than one
/// line; true if it took the message. A line it declines is decoded and goes the
/// usual way (the [`Tap`] first). The pool's envelopes are read so, without a map
/// made and searched per job.
pub type RawTap = Rc<dyn Fn(&[u8]) -> bool>;

#[derive(Clone)]
pub struct Endpoint(pub Rc<Inner>);

impl Endpoint {
    /// Opens an endpoint over `fd` reporting to `owner`; `None` when the channel could
    /// not be watched (the stream reported why to its handler and closed `fd`).
    pub fn open(st: &Rc<State>, fd: OwnedFd, owner: Emitter, want_ref: bool) -> Option<Endpoint> {
        let inbox: Rc<inbox::Inbox> = Rc::default();
        let emit_next = {
            let (owner, inbox) = (owner.clone(), inbox.clone());
            Task::Native(Rc::new(move |engine: &Engine| {
                let r = match inbox.next() {
                    None => return Ok(Dynamic::UNIT),
                    Some(inbox::Next::Message(msg, handle)) => owner.emit_owned(engine, "message", [msg, handle]),
                    Some(inbox::Next::Error(err)) => owner.emit(engine, "error", std::slice::from_ref(&err)),
                };
                r.map(|_| Dynamic::UNIT)
            }))
        };
        let io = st.io();
        let ep = Endpoint(Rc::new_cyclic(|me: &std::rc::Weak<Inner>| {
            let to: std::rc::Weak<dyn Handler<Runtime>> = me.clone();
            Inner {
                st: st.clone(),
                owner,
                stream: Stream::new(&io, channel::stream_opts(), to),
                reader: RefCell::new(Reader::default()),
                connected: Cell::new(true),
                want_ref: Cell::new(want_ref),
                callbacks: RefCell::new(HashMap::new()),
                next_id: Cell::new(1),
                inbox,
                emit_next,
                backlog: RefCell::new(VecDeque::new()),
                backlog_bytes: Cell::new(0),
                backlog_dropped: Cell::new(0),
                on_closed: RefCell::new(None),
                tap: RefCell::new(None),
                raw_tap: RefCell::new(None),
                flush_queued: Cell::new(false),
                flush_task: Inner::make_flush_task(me),
                ending: Cell::new(false),
                line: RefCell::new(String::new()),
            }
        }));
        let s = &ep.0.stream;
        s.set_flush_names(("message", "IPC channel"));
        s.set_flush_peer("the IPC channel".into());
        s.hold_writes_until_ack(true);
        s.adopt(fd);
        if s.destroyed() {
            return None;
        }
        ep.0.update_ref();
        s.read_start();
        Some(ep)
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
        self.stream.set_flush_peer(name.to_string());
    }

    pub fn set_tap(&self, tap: Option<Tap>) {
        *self.tap.borrow_mut() = tap;
    }

    pub fn set_raw_tap(&self, tap: Option<RawTap>) {
        *self.raw_tap.borrow_mut() = tap;
    }

    /// Sends a message already in JSON text (host code that serialized it once):
    /// batched like `send`, or written `now` (a progress report from a job that may
    /// not let the drain end soon). False when the channel is closed or above the
    /// high-water mark.
    pub fn send_json(&self, json_text: &str, now: bool) -> bool {
        self.send_line(framing::encode(json_text), if now { SendWhen::Now } else { SendWhen::Soon })
    }

    /// [`Inner::send_json`] for a line the caller framed itself (the JSON text and
    /// its "\n" in one buffer, so it is not copied again), written as `when` says.
    pub fn send_line(&self, line: Vec<u8>, when: SendWhen) -> bool {
        if !self.connected() {
            return false;
        }
        if when == SendWhen::Batch {
            // Corked before the write: not even the first line of the turn goes alone.
            self.flush_later();
        }
        let below = self.stream.write(line, None);
        match when {
            SendWhen::Now => self.pump(),
            SendWhen::Soon => self.flush_later(),
            SendWhen::Batch => {}
        }
        below
    }

    /// Changes the liveness wish (`channel.ref()`/`unref()`, listener changes).
    pub fn set_want_ref(&self, on: bool) {
        self.want_ref.set(on);
        self.update_ref();
    }

    fn update_ref(&self) {
        self.stream.set_ref(self.want_ref.get() && self.connected.get());
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
        if handle.is_none() && cb.is_none() {
            return self.send_plain(msg);
        }
        let Some(text) = json::stringify(msg, "") else {
            return Err(missing_message());
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
        let id = cb.map(|cb| {
            let id = self.next_id.replace(self.next_id.get() + 1);
            self.callbacks.borrow_mut().insert(id, cb);
            id
        });
        let below = match fd {
            Some(fd) => self.stream.write_with_fd(line, fd, id),
            None => self.stream.write(line, id),
        };
        // Corked after the write (see `flush_later`): the rest of this macrotask's
        // sends go out together after its drain.
        self.flush_later();
        Ok(below)
    }
}

impl Inner {
    /// `send(msg)` without a handle or callback (every message of a round trip): the
    /// line is made in the endpoint's reused buffer and written from there when the
    /// channel is idle (`Stream::write_copy`); copied only to be queued.
    fn send_plain(&self, msg: &Dynamic) -> Result<bool, Box<rhai::EvalAltResult>> {
        let mut line = std::mem::take(&mut *self.line.borrow_mut());
        line.clear();
        if !json::stringify_into(&mut line, msg, "") {
            *self.line.borrow_mut() = line;
            return Err(missing_message());
        }
        line.push('\n');
        let below = self.stream.write_copy(line.as_bytes());
        // A huge message's buffer is not kept for the channel's life.
        if line.capacity() <= LINE_KEEP {
            *self.line.borrow_mut() = line;
        }
        // Corked after the write (see `flush_later`): the rest of this macrotask's
        // sends go out together after its drain.
        self.flush_later();
        Ok(below)
    }
}

/// What `send()` without a message throws (Node's `ERR_MISSING_ARGS`).
fn missing_message() -> Box<rhai::EvalAltResult> {
    error::throw(error::coded("TypeError", "ERR_MISSING_ARGS", "The \"message\" argument must be specified"))
}

/// The reused line buffer of [`Inner::send_plain`] is kept up to this capacity.
const LINE_KEEP: usize = 64 * 1024;

impl Handler<Runtime> for Inner {
    /// The stream's reads: every line they complete, decoded in one batch; then the
    /// drain (the messages' ticks run before the next read).
    fn read(&self, rt: &Runtime, bytes: &[u8], fds: Vec<OwnedFd>) {
        // A disconnecting channel drops the peer's input (and the descriptors that
        // came with it), as Node's closed one would.
        if self.ending() || !self.connected.get() {
            return;
        }
        // Lines may be decoded on their ticks when they go straight to a listener:
        // not through a tap (which reads each message now), not into the backlog.
        // A raw tap reads those lines' text.
        let raw = self.raw_tap.borrow().clone();
        let later = raw.is_some() || (self.tap.borrow().is_none() && self.owner.has("message"));
        self.reader.borrow_mut().feed(bytes, fds, later, |line| match line {
            Line::Now(msg) => self.on_frame(msg.frame, msg.handle, msg.size, msg.cmd),
            Line::Later(text) => match &raw {
                Some(raw) if raw(text) => {}
                // Declined: decoded now, the usual way (a plain line has no `cmd`).
                Some(_) => self.on_frame(framing::decode(text), None, text.len() + 1, None),
                None => self.deliver_line(text),
            },
        });
        rt.drain();
    }

    fn event(&self, rt: &Runtime, ev: Event) -> bool {
        match ev {
            Event::Written { id, err } => {
                let cb = self.callbacks.borrow_mut().remove(&id);
                if let Some(cb) = cb {
                    let arg = if err.is_some() { closed_error() } else { Dynamic::UNIT };
                    let r = cb.call(&rt.engine, vec![arg]);
                    return rt.settle(r, cb.source());
                }
            }
            // The peer's EOF (or a reset): the end of a disconnect, or of the channel.
            Event::End => {
                if self.ending() {
                    self.release();
                } else {
                    let last = self.reader.borrow_mut().finish();
                    if let Some(frame) = last {
                        self.on_frame(frame, None, 0, None);
                    }
                    self.close();
                }
            }
            // A disconnect's queue is out (and the write side shut).
            Event::Finish => self.release(),
            // The stream broke on its own (it could not be watched).
            Event::Error(_) => self.close(),
            Event::Connect | Event::Data(_) | Event::Drain | Event::Close { .. } | Event::Accepted(_) => {}
        }
        true
    }
}
