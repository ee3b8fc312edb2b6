//! `process.stdout`, `process.stderr` and `process.stdin`.
//!
//! ```rhai
//! process.stdout.write("no newline");
//! process.stdin.setEncoding("utf8");
//! process.stdin.on("data", |chunk| print(`got ${chunk.len()} chars`));
//! process.stdin.on("end", || print("eof"));
//! ```
//!
//! Stdin is read only while it is resumed (a `data` listener resumes it); while it
//! reads it keeps the process alive, as in Node. Its flow state is
//! [`crate::io::readable::Readable`]'s with no read-ahead: it is read only while
//! flowing, so each chunk is delivered as it is read: an I/O core [`Stream`] over a
//! close-on-exec duplicate of fd 0, one read per readiness, the descriptor left
//! blocking (its `O_NONBLOCK` flag would be the shell's too). `data`, `end` and
//! `close` are each a macrotask of the poll phase.
//!
//! Stdout and stderr are adapters over I/O core streams too: each is the handler of a
//! [`Stream`] with blocking writes (`StreamOpts::blocking_output`, libuv's
//! `UV_HANDLE_BLOCKING_WRITES`) over a close-on-exec duplicate of fd 1 or 2, which
//! `runtime::output` writes everything through (`print`, `console.*`, error
//! reports, pipes into stdout): a write goes out whole inside the call, its callback
//! comes with the stream's `Written` completion on a tick.
//!
//! When the reader of stdout or stderr goes away (EPIPE), the stream emits `error`
//! (`write EPIPE`, code `EPIPE`) on a later tick, once per failed write; with no
//! `error` listener the process ends at once with the report and status 1, as an
//! unhandled `error` event ends Node (`runtime::State::after_output`).

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::os::fd::AsFd;
use std::rc::{Rc, Weak};

use rhai::{Blob, Dynamic, Engine, FnPtr, ImmutableString, NativeCallContext};

use super::events::{self, EventTarget};
use super::stream_text::parse;
use crate::io::decode::TextMode;
use crate::io::readable::Readable;
use crate::io::stream::OnReadError;
use crate::io::{Event, Handler, IoError, Stream, StreamOpts};
use crate::runtime::callback::Callback;
use crate::runtime::emitter::Emitter;
use crate::runtime::output::StdOutput;
use crate::runtime::{Runtime, State, Task};
use crate::sys::fd;

/// `process.stdout` or `process.stderr`: the handler of that descriptor's stream in
/// `runtime::output`, whose write completions it maps back to the write callbacks.
#[derive(Clone)]
pub struct Stdout(Rc<StdoutInner>);

pub struct StdoutInner {
    st: Rc<State>,
    to: StdOutput,
    emitter: Rc<Emitter>,
    /// The output goes through a stream (false only when the descriptor was closed
    /// before we started: nothing to duplicate).
    attached: Cell<bool>,
    /// Write callbacks by completion id, in write order (completions come in order).
    callbacks: RefCell<VecDeque<(u64, Callback)>>,
    next_id: Cell<u64>,
}

impl EventTarget for Stdout {
    fn emitter(&self) -> &Emitter {
        &self.0.emitter
    }
}

/// Routes a failed write on a broken stream to its `error` listeners; `false` when
/// there are none. Node's order: the write's callback gets the error on a tick
/// (queued by `write`, before this), and that tick queues the `error` event, so
/// ticks queued after the write run before `error`. Each failed write emits one.
fn install_broken_hook(st: &Rc<State>, out: &Stdout, err: &Stdout) {
    let (out, err, s) = (out.0.emitter.clone(), err.0.emitter.clone(), Rc::downgrade(st));
    *st.on_broken_output.borrow_mut() = Some(Rc::new(move |fd| {
        let emitter = if fd == 1 { out.clone() } else { err.clone() };
        let Some(st) = s.upgrade() else { return false };
        if !emitter.has("error") {
            return false;
        }
        let later = Rc::downgrade(&st);
        st.next_tick(Task::Native(Rc::new(move |_: &Engine| {
            let (emitter, e) = (emitter.clone(), write_error(&IoError::sys(crate::sys::errno::Errno::EPIPE, "write")));
            if let Some(st) = later.upgrade() {
                st.next_tick(Task::Native(Rc::new(move |engine: &Engine| {
                    emitter.emit(engine, "error", std::slice::from_ref(&e)).map(|_| Dynamic::UNIT)
                })));
            }
            Ok(Dynamic::UNIT)
        })));
        true
    }));
}

/// A failed write's error, mapped as every stream adapter maps its stream's
/// (`write EPIPE`, `code`, `errno`, `syscall`).
fn write_error(e: &IoError) -> Dynamic {
    Dynamic::from_map(crate::api::net::error_of(e))
}

/// What a write callback gets: `()` (null) or the error.
fn callback_arg(r: Option<&IoError>) -> Dynamic {
    r.map_or(Dynamic::UNIT, write_error)
}

impl Stdout {
    fn new(st: &Rc<State>, to: StdOutput) -> Stdout {
        let out = Stdout(Rc::new(StdoutInner {
            st: st.clone(),
            to,
            emitter: Rc::default(),
            attached: Cell::new(false),
            callbacks: RefCell::new(VecDeque::new()),
            next_id: Cell::new(0),
        }));
        // A close-on-exec duplicate: the stream owns and closes its own descriptor,
        // never fd 1 or 2, and no child inherits it (children get fd 1 and 2
        // themselves). It shares their file description (offset, flags, the reader),
        // so every write lands exactly as on fd 1 or 2, in program order with any
        // other writer of them. Not made non-blocking (the shell's, the children's).
        if let Ok(dup) = fd::dup_cloexec(to.fd()) {
            let h: Rc<dyn Handler<Runtime>> = out.0.clone();
            let s = Stream::open(&st.io(), dup, StreamOpts::blocking_output(), Rc::downgrade(&h));
            st.out.borrow_mut().attach(to, s);
            out.0.attached.set(true);
        }
        out
    }

    /// 1 or 2: where `pipe()` and a child's `stdio` send bytes.
    pub fn fd(&self) -> i32 {
        self.0.to.number()
    }
}

impl Handler<Runtime> for StdoutInner {
    fn event(&self, rt: &Runtime, ev: Event) -> bool {
        let Event::Written { id, err } = ev else { return true };
        let cb = {
            let mut cbs = self.callbacks.borrow_mut();
            match cbs.front() {
                Some((first, _)) if *first == id => cbs.pop_front(),
                _ => cbs.iter().position(|(i, _)| *i == id).and_then(|at| cbs.remove(at)),
            }
        };
        let Some((_, cb)) = cb else { return true };
        let r = cb.call_for_effect(&rt.engine, vec![callback_arg(err.as_ref())]);
        rt.settle(r, cb.source())
    }
}

/// `isTTY` of fd 0, 1 or 2 (std's `IsTerminal`, i.e. isatty(3)).
fn is_tty(fd: i32) -> bool {
    use std::io::IsTerminal;
    match fd {
        0 => std::io::stdin().is_terminal(),
        1 => StdOutput::Out.fd().is_terminal(),
        _ => StdOutput::Err.fd().is_terminal(),
    }
}

/// Lends `v`'s bytes to `f`: a string's or a blob's as they are (no copy), anything
/// else as its text.
fn with_bytes<R>(v: &Dynamic, f: impl FnOnce(&[u8]) -> R) -> R {
    if let Some(s) = v.read_lock::<ImmutableString>() {
        return f(s.as_bytes());
    }
    if let Some(b) = v.read_lock::<Blob>() {
        return f(&b);
    }
    f(super::to_text(v).as_bytes())
}

/// A blocking write through the stream, as Node on a file or a terminal (and on a
/// pipe or a socket whose reader keeps up): `true` once the bytes are written,
/// `false` when the write failed; the callback comes on a tick, as the stream's
/// completion (docs/notes/stdoutstream.md).
fn write(ctx: &NativeCallContext, out: &Stdout, data: &Dynamic, cb: Option<FnPtr>) -> bool {
    let o = &out.0;
    let (id, unattached) = match cb {
        Some(f) if o.attached.get() => {
            let id = o.next_id.get() + 1;
            o.next_id.set(id);
            o.callbacks.borrow_mut().push_back((id, Callback::new(ctx, f)));
            (Some(id), None)
        }
        Some(f) => (None, Some(Callback::new(ctx, f))),
        None => (None, None),
    };
    let r = with_bytes(data, |bytes| o.st.out.borrow_mut().write(o.to, bytes, id));
    if let Some(cb) = unattached {
        o.st.next_tick(Task::Call(cb, vec![callback_arg(r.as_ref().err())]));
    }
    o.st.after_output();
    r.is_ok()
}

pub struct StdinInner {
    st: Rc<State>,
    me: Weak<StdinInner>,
    emitter: Emitter,
    /// Reads a close-on-exec duplicate of fd 0, made at the first read.
    stream: RefCell<Option<Rc<Stream<Runtime>>>>,
    flow: RefCell<Readable>,
    text: TextMode,
}

#[derive(Clone)]
pub struct Stdin(Rc<StdinInner>);

/// Stdin's reads: one per readiness report, of at most 64 KiB, on the shared file
/// description left blocking; a read error is the end, as it always was.
fn stdin_opts() -> StreamOpts {
    StreamOpts { nonblocking: false, reads_per_wake: 1, read_error: OnReadError::Eof, ..StreamOpts::socket() }
}

impl Stdin {
    pub fn new(st: &Rc<State>) -> Stdin {
        Stdin(Rc::new_cyclic(|me| StdinInner {
            st: st.clone(),
            me: me.clone(),
            emitter: Emitter::default(),
            stream: RefCell::new(None),
            flow: RefCell::new(Readable::new(0)),
            text: TextMode::default(),
        }))
    }

    fn resume(&self) {
        // Nothing waits to flow (stdin reads only while flowing): no flow pass.
        let _ = self.0.flow.borrow_mut().resume();
        self.0.update_watch();
    }

    fn pause(&self) {
        self.0.flow.borrow_mut().pause();
        self.0.update_watch();
    }
}

impl StdinInner {
    fn update_watch(&self) {
        let want = self.flow.borrow().wants_read();
        if want && self.stream.borrow().is_none() {
            // A duplicate: the stream closes its own descriptor, never fd 0; O_NONBLOCK
            // is left alone (the file description is the shell's too).
            match fd::dup_cloexec(std::io::stdin().as_fd()) {
                Ok(dup) => {
                    let to: Weak<dyn Handler<Runtime>> = self.me.clone();
                    let s = Stream::new(&self.st.io(), stdin_opts(), to);
                    *self.stream.borrow_mut() = Some(s.clone());
                    s.adopt(dup);
                }
                // Closed: it never gives data, nor `end`.
                Err(_) => return self.flow.borrow_mut().destroy(),
            }
        }
        let stream = self.stream.borrow().clone();
        let Some(s) = stream.filter(|s| !s.destroyed()) else { return };
        if want != s.is_reading() {
            if want { s.read_start() } else { s.read_stop() }
        }
    }

    /// EOF (or a read error): `end` and `close`, each a macrotask, then the
    /// duplicate closes.
    fn on_eof(&self, rt: &Runtime) -> bool {
        let ended = {
            let mut flow = self.flow.borrow_mut();
            flow.set_eof();
            flow.take_end()
        };
        let stream = self.stream.borrow().clone();
        if let Some(s) = stream {
            s.destroy(None);
        }
        if !ended {
            return true;
        }
        // Three macrotasks: each is followed by its drain (or owes it).
        if let Some(rest) = self.text.rest() {
            let ok = rt.emit_settled(&self.emitter, "data", &[rest.into()]);
            rt.after_callback(ok);
        }
        let ok = rt.emit_settled(&self.emitter, "end", &[]);
        rt.after_callback(ok);
        rt.emit_settled(&self.emitter, "close", &[])
    }
}

impl Handler<Runtime> for StdinInner {
    fn event(&self, rt: &Runtime, ev: Event) -> bool {
        match ev {
            Event::Data(buf) => match self.text.chunk(buf) {
                Some(chunk) => rt.emit_settled(&self.emitter, "data", &[chunk.into()]),
                None => true,
            },
            Event::End => self.on_eof(rt),
            // `close` came with `end`; a stream that could not be watched gives nothing.
            _ => true,
        }
    }

    /// Not pollable (epoll refused it): it never gives data, nor `end`.
    fn destroyed(&self) {
        let mut flow = self.flow.borrow_mut();
        if !flow.eof() {
            flow.destroy();
        }
    }
}

impl super::stream_api::Flow for Stdin {
    fn pause(&self) {
        Stdin::pause(self)
    }
    fn resume(&self) {
        Stdin::resume(self)
    }
    fn is_paused(&self) -> bool {
        self.0.flow.borrow().is_paused()
    }
}

impl EventTarget for Stdin {
    fn emitter(&self) -> &Emitter {
        &self.0.emitter
    }

    fn listeners_changed(&self, event: &str) {
        if event == "data" && self.0.emitter.has("data") {
            self.resume();
        }
    }
}

pub fn register(engine: &mut Engine, st: &Rc<State>) -> (Stdout, Stdout, Stdin) {
    engine.register_type_with_name::<Stdout>("WriteStream");
    engine.register_type_with_name::<Stdin>("ReadStream");
    engine.register_fn("write", |ctx: NativeCallContext, o: &mut Stdout, data: Dynamic| write(&ctx, o, &data, None));
    engine.register_fn("write", |ctx: NativeCallContext, o: &mut Stdout, data: Dynamic, cb: FnPtr| {
        write(&ctx, o, &data, Some(cb))
    });
    engine.register_get("isTTY", |o: &mut Stdout| is_tty(o.fd()));
    engine.register_get("fd", |o: &mut Stdout| o.fd() as i64);
    events::register::<Stdout>(engine, st);

    events::register::<Stdin>(engine, st);
    super::stream_api::register_flow::<Stdin>(engine);
    engine.register_fn("setEncoding", |s: &mut Stdin| {
        s.0.text.set("utf8");
        s.clone()
    });
    engine.register_fn("setEncoding", |s: &mut Stdin, enc: ImmutableString| {
        parse(&enc).map(|e| {
            s.0.text.set(e);
            s.clone()
        })
    });
    engine.register_get("readableEncoding", |s: &mut Stdin| s.0.text.encoding().map(Dynamic::from).unwrap_or_default());
    engine.register_get("isTTY", |_: &mut Stdin| is_tty(0));
    engine.register_get("fd", |_: &mut Stdin| 0_i64);
    // `process.stdout.write(x)`: after a method call on a property, Rhai writes the
    // value back through the property's setter; with none it builds and drops two
    // errors per call (~6 000 instructions, bench/stdio). Writing the same handle back
    // changes nothing, and assigning one of these to `process.stdout` is ignored, as
    // in Node (a getter-only property); assigning anything else is still an error.
    use super::process::Process;
    engine.register_set("stdout", |_: &mut Process, _: Stdout| {});
    engine.register_set("stderr", |_: &mut Process, _: Stdout| {});
    engine.register_set("stdin", |_: &mut Process, _: Stdin| {});
    let out = Stdout::new(st, StdOutput::Out);
    let err = Stdout::new(st, StdOutput::Err);
    install_broken_hook(st, &out, &err);
    (out, err, Stdin::new(st))
}
