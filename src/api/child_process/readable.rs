//! A child's stdout or stderr as Node's readable stream: `data`, `end`, `close`,
//! `setEncoding`, `pause`/`resume`, `pipe(dest)`, `destroy`.
//!
//! ```rhai
//! let c = spawn("ls");
//! c.stdout.setEncoding("utf8");
//! c.stdout.on("data", |text| print(text));
//! c.stderr.pipe(process.stderr);
//! ```
//!
//! Like a Node socket it reads eagerly into a buffer (up to
//! [`crate::io::readable::READ_AHEAD`]) until something consumes it; a `data`
//! listener, `resume()` or `pipe()` makes it flow. The flow state is
//! [`crate::io::readable::Readable`]'s.
//! `end` comes on a tick after EOF and `close` in the loop's close phase (as a
//! libuv handle's), after the child's `close` bookkeeping. A stream that keeps filling its
//! reads asks the kernel for a bigger pipe and reads bigger chunks.

use std::cell::{Cell, RefCell};
use std::os::fd::OwnedFd;
use std::rc::{Rc, Weak};

use rhai::{Dynamic, Engine, EvalAltResult};

use crate::api::events::EventTarget;
use crate::event_loop::Ready;
use crate::io::decode::TextMode;
use crate::io::handle::Handle;
use crate::io::reactor::Interest;
use crate::io::readable::{self, Readable as Flow};
use crate::runtime::emitter::Emitter;
use crate::runtime::{RhaiResult, Runtime, Source, State, Task};
use crate::sys::fd::{self, BIG_PIPE, Read};

/// The first reads' size; a read that fills it grows the pipe and the reads.
const FIRST_READ: usize = 64 * 1024;
/// Reads per readiness report, so one busy pipe cannot starve the loop.
const READS_PER_WAKE: usize = 16;

/// A native consumer of the bytes (exec's capture, `pipe()`); it sees every chunk
/// before the script's `data` listeners.
pub struct Sink {
    pub data: SinkData,
    pub end: Option<Box<dyn Fn()>>,
}

/// What a sink does with each chunk; it may pause the stream it reads.
pub type SinkData = Box<dyn Fn(&Readable, &[u8])>;

pub type Hook = Rc<dyn Fn(&Engine) -> Result<(), Box<EvalAltResult>>>;

pub struct ReadableInner {
    st: Rc<State>,
    me: Weak<ReadableInner>,
    emitter: Emitter,
    /// The pipe's read end until the stream closes: open in the reactor (which keeps
    /// this stream alive meanwhile, as libuv's handle queue does), active (holding
    /// the loop) while watched.
    handle: RefCell<Option<Handle<Runtime>>>,
    flow: RefCell<Flow>,
    close_queued: Cell<bool>,
    destroyed: Cell<bool>,
    text: TextMode,
    sinks: RefCell<Vec<Rc<Sink>>>,
    /// The child's bookkeeping, run just before the `close` listeners.
    close_hook: RefCell<Option<Hook>>,
    read_size: Cell<usize>,
}

#[derive(Clone)]
pub struct Readable(pub Rc<ReadableInner>);

impl Readable {
    /// A stream over `fd` (non-blocking); `None` gives an inert stream that never
    /// emits (the stdio of a child that failed to spawn).
    pub fn new(st: &Rc<State>, fd: Option<OwnedFd>) -> Readable {
        let inert = fd.is_none();
        let mut flow = Flow::default();
        if inert {
            flow.destroy();
        }
        Readable(Rc::new_cyclic(|me| ReadableInner {
            st: st.clone(),
            me: me.clone(),
            emitter: Emitter::default(),
            handle: RefCell::new(fd.map(|fd| Handle::new(fd, st.reactor()))),
            flow: RefCell::new(flow),
            close_queued: Cell::new(inert),
            destroyed: Cell::new(inert),
            text: TextMode::default(),
            sinks: RefCell::new(Vec::new()),
            close_hook: RefCell::new(None),
            read_size: Cell::new(FIRST_READ),
        }))
    }

    pub fn set_close_hook(&self, hook: Hook) {
        *self.0.close_hook.borrow_mut() = Some(hook);
    }

    /// Starts reading ahead (Node's sockets do at creation).
    pub fn start(&self) {
        self.0.update_watch();
    }

    pub fn add_sink(&self, sink: Sink) {
        self.0.sinks.borrow_mut().push(Rc::new(sink));
    }

    pub fn resume(&self) {
        self.0.resume();
    }

    pub fn pause(&self) {
        self.0.flow.borrow_mut().pause();
        self.0.update_watch();
    }

    pub fn is_paused(&self) -> bool {
        self.0.flow.borrow().is_paused()
    }

    /// Node's `readable`: still able to give data.
    pub fn readable(&self) -> bool {
        self.0.flow.borrow().readable()
    }

    pub fn set_encoding(&self, enc: &'static str) {
        self.0.text.set(enc);
    }

    pub fn encoding(&self) -> Option<&'static str> {
        self.0.text.encoding()
    }

    /// Stops reading, drops what is buffered and closes; `close` follows (no `end`).
    pub fn destroy(&self) {
        let i = &self.0;
        if i.destroyed.replace(true) {
            return;
        }
        i.flow.borrow_mut().destroy();
        i.update_watch();
        i.queue_close();
    }
}

impl ReadableInner {
    fn rc(&self) -> Rc<ReadableInner> {
        self.me.upgrade().expect("a stream outlives its own calls")
    }

    /// Reads while there is a reason to: the data flows, or the buffer has room.
    fn update_watch(&self) {
        let want = self.flow.borrow().wants_read();
        let handle = self.handle.borrow();
        let Some(h) = handle.as_ref() else { return };
        if want == h.interest().read {
            return;
        }
        if want {
            h.open(self.rc());
        }
        let ok = h.set_interest(if want { Interest::READ } else { Interest::NONE }).is_ok();
        h.set_active(want && ok);
    }

    fn resume(&self) {
        let queue = self.flow.borrow_mut().resume();
        self.update_watch();
        if queue {
            // Node's `resume()` flows on the next tick.
            let me = self.rc();
            self.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| me.flow(engine))));
        }
    }

    /// Delivers what was buffered while nobody consumed it, then `end` if it came.
    fn flow(&self, engine: &Engine) -> RhaiResult {
        readable::flow(&self.flow, |chunk| self.emit_data(engine, chunk))?;
        self.update_watch();
        self.maybe_end();
        Ok(Dynamic::UNIT)
    }

    /// Sinks first, then the `data` listeners (a BLOB, or text after `setEncoding`).
    fn emit_data(&self, engine: &Engine, bytes: Vec<u8>) -> Result<(), Box<EvalAltResult>> {
        let sinks = self.sinks.borrow().clone();
        if !sinks.is_empty() {
            let me = Readable(self.rc());
            for s in sinks {
                (s.data)(&me, &bytes);
            }
        }
        if !self.emitter.has("data") {
            return Ok(());
        }
        let Some(chunk) = self.text.chunk(bytes) else { return Ok(()) };
        self.emitter.emit(engine, "data", &[chunk.into()]).map(drop)
    }

    fn deliver(&self, rt: &Runtime, bytes: Vec<u8>) {
        let now = self.flow.borrow_mut().push(bytes);
        if let Some(bytes) = now {
            let r = self.emit_data(&rt.engine, bytes);
            rt.settle(r.map(|_| Dynamic::UNIT), None);
            rt.drain();
        }
        self.update_watch();
    }

    fn on_eof(&self, rt: &Runtime) {
        self.flow.borrow_mut().set_eof();
        self.update_watch();
        self.maybe_end();
        rt.drain();
    }

    /// `end` once EOF was read and everything before it was delivered.
    fn maybe_end(&self) {
        if !self.flow.borrow_mut().take_end() {
            return;
        }
        let me = self.rc();
        self.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| me.end(engine))));
    }

    fn end(&self, engine: &Engine) -> RhaiResult {
        let rest = self.text.rest();
        self.queue_close();
        if let Some(rest) = rest {
            self.emitter.emit(engine, "data", &[rest.into()])?;
        }
        for s in self.sinks.borrow().clone() {
            if let Some(end) = &s.end {
                end();
            }
        }
        self.emitter.emit(engine, "end", &[]).map(|_| Dynamic::UNIT)
    }

    /// Closes the descriptor now and emits `close` in the loop's close phase.
    fn queue_close(&self) {
        // Out of the poller before the descriptor goes.
        self.flow.borrow_mut().set_eof();
        self.update_watch();
        Handle::close_slot(&self.handle);
        if self.close_queued.replace(true) {
            return;
        }
        let me = self.rc();
        self.st.close_later(Task::Native(Rc::new(move |engine: &Engine| {
            let hook = me.close_hook.borrow_mut().take();
            if let Some(hook) = hook {
                hook(engine)?;
            }
            me.emitter.emit(engine, "close", &[]).map(|_| Dynamic::UNIT)
        })));
    }

    fn grow(&self) {
        let size = self.read_size.get();
        if size < BIG_PIPE {
            let got = self.handle.borrow().as_ref().and_then(|h| fd::grow_pipe(h.fd(), BIG_PIPE)).unwrap_or(size);
            self.read_size.set(got.max(size * 2).min(BIG_PIPE));
        }
    }
}

impl Source for ReadableInner {
    fn on_ready(&self, rt: &Runtime, ready: Ready) {
        for _ in 0..READS_PER_WAKE {
            let size = self.read_size.get();
            let mut buf = Vec::with_capacity(size);
            let got = match &*self.handle.borrow() {
                Some(h) if h.interest().read => fd::read_into(h.fd(), &mut buf),
                _ => return,
            };
            match got {
                Read::Data(n) => {
                    let full = n == size;
                    if full {
                        self.grow();
                    } else if n < size / 2 {
                        buf.shrink_to_fit();
                    }
                    self.deliver(rt, buf);
                    if !full {
                        // libuv's shortcut: a short read with the writer gone is EOF.
                        if ready.hangup {
                            self.on_eof(rt);
                        }
                        return;
                    }
                }
                // A read error ends a pipe as EOF does (`ECONNRESET` on a socketpair).
                Read::Eof | Read::Failed(_) => return self.on_eof(rt),
                Read::WouldBlock => return,
            }
        }
    }
}

impl EventTarget for Readable {
    fn emitter(&self) -> &Emitter {
        &self.0.emitter
    }

    fn listeners_changed(&self, event: &str) {
        if event == "data" && self.0.emitter.has("data") && self.0.flow.borrow().listener_resumes() {
            self.0.resume();
        }
    }
}
