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
//! [`crate::io::readable::Readable`]'s; reading is the I/O core's [`Stream`] (a pipe
//! stream: reads grow with the pipe up to 1 MiB while they come back full).
//! `end` comes on a tick after EOF and `close` in the loop's close phase (as a
//! libuv handle's), after the child's `close` bookkeeping.

use std::cell::{Cell, RefCell};
use std::os::fd::OwnedFd;
use std::rc::{Rc, Weak};

use rhai::{Dynamic, Engine, EvalAltResult};

use crate::io::decode::TextMode;
use crate::io::readable::{self, Readable as Flow};
use crate::io::{Event, Handler, Stream, StreamOpts};
use crate::runtime::emitter::Emitter;
use crate::runtime::{RhaiResult, Runtime, State, Task};

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
    /// Reads the pipe once started; `None` for an inert stream. Open, it is in the
    /// reactor's table and keeps this binding alive (libuv's handle queue).
    stream: Option<Rc<Stream<Runtime>>>,
    /// The descriptor until the first read starts the stream.
    fd: RefCell<Option<OwnedFd>>,
    flow: RefCell<Flow>,
    destroyed: Cell<bool>,
    text: TextMode,
    sinks: RefCell<Vec<Rc<Sink>>>,
    /// The child's bookkeeping, run just before the `close` listeners.
    close_hook: RefCell<Option<Hook>>,
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
        let io = (!inert).then(|| st.io());
        Readable(crate::api::stream_api::new_adapter(|me, to| ReadableInner {
            st: st.clone(),
            me: me.clone(),
            emitter: Emitter::default(),
            stream: io.map(|io| Stream::new(&io, StreamOpts::pipe(), to)),
            fd: RefCell::new(fd),
            flow: RefCell::new(flow),
            destroyed: Cell::new(inert),
            text: TextMode::default(),
            sinks: RefCell::new(Vec::new()),
            close_hook: RefCell::new(None),
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
        i.queue_close();
    }
}

impl ReadableInner {
    fn rc(&self) -> Rc<ReadableInner> {
        self.me.upgrade().expect("a stream outlives its own calls")
    }

    /// Reads while there is a reason to: the data flows, or the buffer has room.
    fn update_watch(&self) {
        let Some(stream) = &self.stream else { return };
        let want = self.flow.borrow().wants_read();
        if want == stream.is_reading() || stream.destroyed() {
            return;
        }
        if want {
            // The first read opens the stream in the reactor.
            if let Some(fd) = self.fd.borrow_mut().take() {
                stream.adopt(fd);
            }
            stream.read_start();
        } else {
            stream.read_stop();
        }
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

    /// Buffers or delivers a read; false if a listener threw (the host drains).
    fn deliver(&self, rt: &Runtime, bytes: Vec<u8>) -> bool {
        let now = self.flow.borrow_mut().push(bytes);
        let ok = match now {
            Some(bytes) => rt.settle(self.emit_data(&rt.engine, bytes).map(|_| Dynamic::UNIT), None),
            None => true,
        };
        self.update_watch();
        ok
    }

    fn on_eof(&self) -> bool {
        self.flow.borrow_mut().set_eof();
        self.update_watch();
        self.maybe_end();
        true
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

    /// Closes the descriptor now; `close` follows in the loop's close phase.
    fn queue_close(&self) {
        self.flow.borrow_mut().set_eof();
        self.fd.borrow_mut().take();
        if let Some(s) = &self.stream {
            s.destroy(None);
        }
    }

    /// The child's bookkeeping, then the `close` listeners.
    fn on_close(&self, engine: &Engine) -> RhaiResult {
        let hook = self.close_hook.borrow_mut().take();
        if let Some(hook) = hook {
            hook(engine)?;
        }
        self.emitter.emit(engine, "close", &[]).map(|_| Dynamic::UNIT)
    }
}

impl Handler<Runtime> for ReadableInner {
    fn event(&self, rt: &Runtime, ev: Event) -> bool {
        match ev {
            Event::Data(bytes) => self.deliver(rt, bytes),
            Event::End => self.on_eof(),
            Event::Close { .. } => rt.settle(self.on_close(&rt.engine), None),
            // A pipe's read error is its end (`OnReadError::Eof`); nothing is written.
            _ => true,
        }
    }
}

crate::api::stream_api::event_target!(Readable, readable);
