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
//! written before the process exits, whatever its size.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::os::fd::OwnedFd;
use std::rc::Rc;

use rhai::{Dynamic, Engine, Map};
use serde_json::Value;

use crate::event_loop::Ready;
use crate::ipc::channel::Channel;
use crate::ipc::framing::{self, Frame};
use crate::runtime::callback::Callback;
use crate::runtime::emitter::Emitter;
use crate::runtime::{Runtime, Source, State, Task};
use crate::sys::environ;
use crate::value::{error, json};

/// Turns a script value into a passable descriptor (`net.Server` → its listening
/// socket) and back. Filled in by the net bindings.
/// Wire bytes of messages kept for a `message` listener that does not exist yet.
pub const BACKLOG_MAX: usize = 8 << 20;
/// What one waiting message counts besides its bytes (its bookkeeping).
const BACKLOG_ENTRY: usize = 128;

pub struct HandleCodec {
    pub to_fd: fn(&Dynamic) -> Option<(OwnedFd, &'static str)>,
    pub from_fd: fn(&Rc<State>, &str, OwnedFd) -> Option<Dynamic>,
}

thread_local! {
    static CODEC: RefCell<Option<HandleCodec>> = const { RefCell::new(None) };
}

pub fn set_handle_codec(codec: HandleCodec) {
    CODEC.with(|c| *c.borrow_mut() = Some(codec));
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
    refed: Cell<bool>,
    /// The liveness policy's wish (parent: while open; child: while listened to).
    want_ref: Cell<bool>,
    callbacks: RefCell<HashMap<u64, Callback>>,
    /// Messages waiting for a `message` listener (kept as JSON values: smaller).
    backlog: RefCell<VecDeque<(Value, Dynamic)>>,
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
}

/// Sees each incoming message first, on the loop's turn (no nextTick); gives it back
/// to go the usual way, or keeps it (`None`).
pub type Tap = Rc<dyn Fn(Value) -> Option<Value>>;

#[derive(Clone)]
pub struct Endpoint(pub Rc<Inner>);

fn closed_error() -> Dynamic {
    error::coded("Error", "ERR_IPC_CHANNEL_CLOSED", "Channel closed").into()
}

impl Endpoint {
    /// Opens an endpoint over `fd` reporting to `owner`.
    pub fn open(st: &Rc<State>, fd: OwnedFd, owner: Emitter, want_ref: bool) -> std::io::Result<Endpoint> {
        let chan = Channel::new(fd)?;
        let raw = chan.raw_fd();
        let ep = Endpoint(Rc::new(Inner {
            st: st.clone(),
            owner,
            chan: RefCell::new(Some(chan)),
            token: Cell::new(None),
            writing: Cell::new(false),
            write_broken: Cell::new(false),
            connected: Cell::new(true),
            refed: Cell::new(false),
            want_ref: Cell::new(want_ref),
            callbacks: RefCell::new(HashMap::new()),
            backlog: RefCell::new(VecDeque::new()),
            backlog_bytes: Cell::new(0),
            backlog_dropped: Cell::new(0),
            on_closed: RefCell::new(None),
            tap: RefCell::new(None),
            flush_queued: Cell::new(false),
            me: RefCell::new(std::rc::Weak::new()),
        }));
        *ep.0.me.borrow_mut() = Rc::downgrade(&ep.0);
        let token = st.watch(raw, ep.0.clone(), true, false)?;
        ep.0.token.set(Some(token));
        ep.0.update_ref();
        let weak = Rc::downgrade(&ep.0);
        st.at_exit.borrow_mut().push(Rc::new(move || {
            if let Some(inner) = weak.upgrade()
                && let Some(chan) = inner.chan.borrow_mut().as_mut()
            {
                chan.flush_blocking();
            }
        }));
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

    pub fn set_tap(&self, tap: Option<Tap>) {
        *self.tap.borrow_mut() = tap;
    }

    /// Sends a message already in JSON text (host code that serialized it once):
    /// batched like `send`, or written `now` (a progress report from a job that may
    /// not let the drain end soon). False when the channel is closed or above the
    /// high-water mark.
    pub fn send_json(&self, json_text: &str, now: bool) -> bool {
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
        if want != self.refed.replace(want) {
            let mut lp = self.st.lp.borrow_mut();
            if want { lp.ref_handle() } else { lp.unref_handle() }
        }
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
                let codec = CODEC.with(|c| c.borrow().as_ref().map(|c| c.to_fd));
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

    /// Batches writes: everything sent by one macrotask goes out in as few system
    /// calls as the socket allows, right after its drain.
    fn flush_later(&self) {
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
    fn send_internal(&self, json_text: &str) {
        if let Some(chan) = self.chan.borrow_mut().as_mut() {
            chan.enqueue(framing::encode(json_text), None);
        }
        self.pump();
    }

    fn fail_later(&self, cb: Option<Callback>, err: Dynamic) {
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

    /// Writes what the socket takes, queues the completion callbacks, and watches
    /// for writability while anything is left.
    fn pump(&self) {
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
                if more != self.writing.get() {
                    self.writing.set(more);
                    let (Some(token), Some(fd)) = (self.token.get(), self.raw_fd()) else { return };
                    let _ = self.st.lp.borrow_mut().poller.watch(fd, token, true, more);
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
    /// the peer's close makes readable (the poller is level-triggered).
    fn write_failed(&self) {
        self.write_broken.set(true);
        if self.writing.replace(false)
            && let (Some(token), Some(fd)) = (self.token.get(), self.raw_fd())
        {
            let _ = self.st.lp.borrow_mut().poller.watch(fd, token, true, false);
        }
    }

    fn raw_fd(&self) -> Option<i32> {
        self.chan.borrow().as_ref().map(Channel::raw_fd)
    }

    /// `disconnect()`: flushes, closes, and emits `disconnect` on the next tick. A
    /// second call is an `error` (ERR_IPC_DISCONNECTED), as in Node.
    pub fn disconnect(&self) {
        if !self.connected() {
            let err = error::coded("Error", "ERR_IPC_DISCONNECTED", "IPC channel is already disconnected");
            self.fail_later(None, err.into());
            return;
        }
        if let Some(chan) = self.chan.borrow_mut().as_mut() {
            chan.flush_blocking();
        }
        self.close();
    }

    /// The channel is gone (our disconnect, the peer's EOF, or a write error).
    fn close(&self) {
        if !self.connected.replace(false) {
            return;
        }
        if let (Some(token), Some(fd)) = (self.token.take(), self.raw_fd()) {
            self.st.unwatch(fd, token);
        }
        self.chan.borrow_mut().take();
        self.update_ref();
        let pending: Vec<Callback> = self.callbacks.borrow_mut().drain().map(|(_, cb)| cb).collect();
        for cb in pending {
            self.st.next_tick(Task::Call(cb, vec![closed_error()]));
        }
        let owner = self.owner.clone();
        self.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| {
            owner.emit(engine, "disconnect", &[]).map(|_| Dynamic::UNIT)
        })));
        if let Some(f) = self.on_closed.borrow_mut().take() {
            f();
        }
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
    fn deliver(&self, msg: Value, handle: Dynamic, size: usize) {
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
        let msg = json::from_value(msg);
        let owner = self.owner.clone();
        // A tick runs once: the message moves into the emit instead of being copied.
        let slot = Cell::new(Some((msg, handle)));
        self.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| {
            let (msg, handle) = slot.take().unwrap_or_default();
            owner.emit_owned(engine, "message", vec![msg, handle]).map(|_| Dynamic::UNIT)
        })));
    }

    fn emit_later(&self, event: &'static str, arg: Dynamic) {
        let owner = self.owner.clone();
        self.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| {
            owner.emit(engine, event, std::slice::from_ref(&arg)).map(|_| Dynamic::UNIT)
        })));
    }

    fn on_message(&self, v: Value, fd: Option<OwnedFd>, size: usize) {
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
        match v.get("cmd").and_then(Value::as_str) {
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
                let kind = v.get("type").and_then(Value::as_str).unwrap_or("").to_string();
                let made = fd.and_then(|fd| {
                    let from_fd = CODEC.with(|c| c.borrow().as_ref().map(|c| c.from_fd))?;
                    from_fd(&self.st, &kind, fd)
                });
                match made {
                    Some(handle) => {
                        self.send_internal("{\"cmd\":\"NODE_HANDLE_ACK\"}");
                        let msg = v.get("msg").cloned().unwrap_or(Value::Null);
                        self.deliver(msg, handle, size);
                    }
                    None => self.send_internal("{\"cmd\":\"NODE_HANDLE_NACK\"}"),
                }
            }
            _ => self.emit_later("internalMessage", json::from_value(v)),
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

thread_local! {
    /// The channel to our parent, when we were forked.
    static PARENT: RefCell<Option<Endpoint>> = const { RefCell::new(None) };
}

pub fn parent() -> Option<Endpoint> {
    PARENT.with(|p| p.borrow().clone())
}

/// In a forked child: adopt the channel named by `NODE_CHANNEL_FD` and remove the
/// variables from the environment, as Node does. A value that is not an open socket
/// descriptor (`-1`, `abc`, a closed fd) is a start-up error, exit status 1, as
/// Node's is (Node fails an internal assertion); see [`channel_fd`].
fn adopt_parent_channel(st: &Rc<State>) {
    let Some(text) = environ::get("NODE_CHANNEL_FD").filter(|t| !t.is_empty()) else { return };
    let mode = environ::get("NODE_CHANNEL_SERIALIZATION_MODE").unwrap_or_else(|| "json".into());
    let _ = environ::remove("NODE_CHANNEL_FD");
    let _ = environ::remove("NODE_CHANNEL_SERIALIZATION_MODE");
    let fd = match channel_fd(&text) {
        Ok(fd) => fd,
        Err(why) => {
            eprintln!("procbox: NODE_CHANNEL_FD={text:?} {why}; cannot open the IPC channel to the parent");
            std::process::exit(1);
        }
    };
    if mode != "json" {
        st.eprint(&format!("procbox: IPC serialization '{mode}' is not supported; only 'json'\n"));
        return;
    }
    // SAFETY: `channel_fd` checked the descriptor is open; keep it out of our children.
    unsafe { libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) };
    // SAFETY: the descriptor is open and nothing else in this process owns it (the
    // parent passed it to us for the channel alone).
    let owned = unsafe { <OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(fd) };
    if let Ok(ep) = Endpoint::open(st, owned, st.process.clone(), false) {
        PARENT.with(|p| *p.borrow_mut() = Some(ep));
    }
}

/// The descriptor `NODE_CHANNEL_FD` names, if it is a usable one: a non-negative
/// integer naming an open socket.
fn channel_fd(text: &str) -> Result<i32, &'static str> {
    let fd = text.trim().parse::<i32>().map_err(|_| "is not a descriptor number")?;
    if fd < 0 {
        return Err("is negative");
    }
    // SAFETY: fstat only writes into the zeroed struct we pass; any fd value is safe.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    if unsafe { libc::fstat(fd, &mut st) } != 0 {
        return Err("is not an open descriptor");
    }
    if st.st_mode & libc::S_IFMT != libc::S_IFSOCK {
        return Err("is not a socket");
    }
    Ok(fd)
}

/// `process.on("message" | "disconnect")` changed: a child's channel keeps it alive
/// only while someone listens (Node's rule), and waiting messages get delivered.
pub fn parent_listeners_changed(st: &State) {
    if let Some(ep) = parent() {
        ep.set_want_ref(st.process.has("message") || st.process.has("disconnect"));
        ep.flush_backlog();
    }
}

/// `process.channel`: `ref()`/`unref()` of the child's channel.
#[derive(Clone)]
pub struct ParentChannel;

fn process_send(msg: Dynamic, handle: Option<Dynamic>, cb: Option<Callback>) -> Result<bool, Box<rhai::EvalAltResult>> {
    match parent() {
        Some(ep) => ep.send(&msg, handle.as_ref(), cb),
        None => Err(error::throw(error::coded(
            "TypeError",
            "ERR_IPC_NO_CHANNEL",
            "process.send is only available in a forked process",
        ))),
    }
}

pub fn register(engine: &mut Engine, st: &Rc<State>) {
    use super::process::Process;
    use rhai::{FnPtr, NativeCallContext};
    adopt_parent_channel(st);
    engine.register_type_with_name::<ParentChannel>("Channel");
    engine.register_fn("send", |_: &mut Process, msg: Dynamic| process_send(msg, None, None));
    engine.register_fn("send", |ctx: NativeCallContext, _: &mut Process, msg: Dynamic, f: FnPtr| {
        process_send(msg, None, Some(Callback::new(&ctx, f)))
    });
    engine.register_fn("send", |_: &mut Process, msg: Dynamic, handle: Dynamic| process_send(msg, Some(handle), None));
    engine.register_fn("send", |ctx: NativeCallContext, _: &mut Process, msg: Dynamic, handle: Dynamic, f: FnPtr| {
        process_send(msg, Some(handle), Some(Callback::new(&ctx, f)))
    });
    engine.register_get("connected", |_: &mut Process| parent().is_some_and(|ep| ep.connected()));
    // `if process.send == () { … }`: the seed tells parent from forked child this way
    // (Node's `process.send` is undefined outside a fork).
    #[allow(deprecated)]
    engine.register_get("send", |_: &mut Process| -> Dynamic {
        if parent().is_none() {
            return Dynamic::UNIT;
        }
        FnPtr::from_fn("send", |_, args| {
            let msg = args.first_mut().map(|a| std::mem::take(&mut **a)).unwrap_or_default();
            process_send(msg, None, None).map(Dynamic::from)
        })
        .map(Dynamic::from)
        .unwrap_or(Dynamic::UNIT)
    });
    engine.register_fn("disconnect", |_: &mut Process| {
        if let Some(ep) = parent() {
            ep.disconnect();
        }
    });
    engine.register_get(
        "channel",
        |_: &mut Process| if parent().is_some() { Dynamic::from(ParentChannel) } else { Dynamic::UNIT },
    );
    engine.register_fn("ref", |_: &mut ParentChannel| {
        if let Some(ep) = parent() {
            ep.set_want_ref(true);
        }
    });
    engine.register_fn("unref", |_: &mut ParentChannel| {
        if let Some(ep) = parent() {
            ep.set_want_ref(false);
        }
    });
    // The card's `send(msg)`: to the parent.
    engine.register_fn("send", |msg: Dynamic| process_send(msg, None, None));
}
