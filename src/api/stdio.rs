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
//! When the reader of stdout or stderr goes away (EPIPE), the stream emits `error`
//! (`write EPIPE`, code `EPIPE`) on a later tick and drops what is written after; with
//! no `error` listener the process ends at once with the report and status 1, as an
//! unhandled `error` event ends Node (`runtime::State::after_output`).
//!
//! `libc::EPIPE` here is an errno number, used as data; no libc function is called here
//! (system calls are [`crate::sys`]'s).

use std::cell::RefCell;
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
use crate::runtime::{Runtime, State, Task};
use crate::sys::fd;

#[derive(Clone)]
pub struct Stdout {
    st: Rc<State>,
    fd: i32,
    emitter: Rc<Emitter>,
}

impl EventTarget for Stdout {
    fn emitter(&self) -> &Emitter {
        &self.emitter
    }
}

/// Routes a failed write on a broken stream to its `error` listeners; `false` when
/// there are none. Node's order: the write's callback gets the error on a tick
/// (queued by `write`, before this), and that tick queues the `error` event, so
/// ticks queued after the write run before `error`. Each failed write emits one.
fn install_broken_hook(st: &Rc<State>, out: &Stdout, err: &Stdout) {
    let (out, err, s) = (out.emitter.clone(), err.emitter.clone(), Rc::downgrade(st));
    *st.on_broken_output.borrow_mut() = Some(Rc::new(move |fd| {
        let emitter = if fd == 1 { out.clone() } else { err.clone() };
        let Some(st) = s.upgrade() else { return false };
        if !emitter.has("error") {
            return false;
        }
        let later = Rc::downgrade(&st);
        st.next_tick(Task::Native(Rc::new(move |_: &Engine| {
            let (emitter, e) = (emitter.clone(), write_error(libc::EPIPE));
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

/// A failed write's error, mapped as the I/O core maps a stream's (`write EPIPE`,
/// `code`, `errno`, `syscall`).
fn write_error(errno: i32) -> Dynamic {
    let e = IoError::sys(nix::errno::Errno::from_raw(errno), "write");
    Dynamic::from_map(crate::api::net::error_of(&e))
}

impl Stdout {
    /// 1 or 2: where `pipe()` and a child's `stdio` send bytes.
    pub fn fd(&self) -> i32 {
        self.fd
    }
}

/// `isTTY` of fd 0, 1 or 2 (std's `IsTerminal`, i.e. isatty(3)).
fn is_tty(fd: i32) -> bool {
    use crate::sys::fd::StdOutput;
    use std::io::IsTerminal;
    match fd {
        0 => std::io::stdin().is_terminal(),
        1 => StdOutput::Out.fd().is_terminal(),
        _ => StdOutput::Err.fd().is_terminal(),
    }
}

fn bytes_of(v: &Dynamic) -> Vec<u8> {
    match v.read_lock::<Blob>() {
        Some(b) => b.clone(),
        None => super::to_text(v).into_bytes(),
    }
}

/// Synchronous write-through, as Node on a file or a terminal (and on a pipe or a
/// socket whose reader keeps up): `true` once the bytes are written, `false` when the
/// write failed; the callback always comes on a tick (docs/notes/stdout.md).
fn write(ctx: &NativeCallContext, out: &Stdout, data: &Dynamic, cb: Option<FnPtr>) -> bool {
    let bytes = bytes_of(data);
    let r = if out.fd == 1 { out.st.out.borrow_mut().stdout(&bytes) } else { out.st.out.borrow_mut().stderr(&bytes) };
    if let Some(f) = cb {
        let err = match &r {
            Ok(()) => Dynamic::UNIT,
            Err(e) => write_error(e.raw_os_error().unwrap_or(libc::EIO)),
        };
        out.st.next_tick(Task::Call(Callback::new(ctx, f), vec![err]));
    }
    out.st.after_output();
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
    engine.register_get("isTTY", |o: &mut Stdout| is_tty(o.fd));
    engine.register_get("fd", |o: &mut Stdout| o.fd as i64);
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
    let out = Stdout { st: st.clone(), fd: 1, emitter: Rc::default() };
    let err = Stdout { st: st.clone(), fd: 2, emitter: Rc::default() };
    install_broken_hook(st, &out, &err);
    (out, err, Stdin::new(st))
}
