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
//! flowing, so each chunk is delivered as it is read (one read per readiness, on a
//! descriptor left blocking: its `O_NONBLOCK` flag would be the shell's too).
//!
//! When the reader of stdout or stderr goes away (EPIPE), the stream emits `error`
//! (`write EPIPE`, code `EPIPE`) on a later tick and drops what is written after; with
//! no `error` listener the process ends at once with the report and status 1, as an
//! unhandled `error` event ends Node (`runtime::State::after_output`).

use std::cell::{Cell, RefCell};
use std::os::fd::AsFd;
use std::rc::Rc;

use rhai::{Blob, Dynamic, Engine, FnPtr, ImmutableString, NativeCallContext};

use super::events::{self, EventTarget};
use super::stream_text::parse;
use crate::event_loop::Ready;
use crate::io::decode::TextMode;
use crate::io::readable::Readable;
use crate::runtime::callback::Callback;
use crate::runtime::emitter::Emitter;
use crate::runtime::{Runtime, Source, State, Task};
use crate::sys::fd::{self, Read};

/// One read per readiness report, of at most this much.
const READ_SIZE: usize = 64 * 1024;

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

/// Routes a broken stream to its `error` listeners; `false` when there are none.
fn install_broken_hook(st: &Rc<State>, out: &Stdout, err: &Stdout) {
    let (out, err, s) = (out.emitter.clone(), err.emitter.clone(), Rc::downgrade(st));
    *st.on_broken_output.borrow_mut() = Some(Rc::new(move |fd| {
        let emitter = if fd == 1 { out.clone() } else { err.clone() };
        let Some(st) = s.upgrade() else { return false };
        if !emitter.has("error") {
            return false;
        }
        let e = Dynamic::from_map(crate::value::error::syscall("write", libc::EPIPE));
        st.next_tick(Task::Native(Rc::new(move |engine: &Engine| {
            emitter.emit(engine, "error", std::slice::from_ref(&e)).map(|_| Dynamic::UNIT)
        })));
        true
    }));
}

impl Stdout {
    /// 1 or 2: where `pipe()` and a child's `stdio` send bytes.
    pub fn fd(&self) -> i32 {
        self.fd
    }
}

fn is_tty(fd: i32) -> bool {
    // SAFETY: isatty takes and returns integers only; a bad `fd` is just "not a tty".
    unsafe { libc::isatty(fd) == 1 }
}

fn bytes_of(v: &Dynamic) -> Vec<u8> {
    match v.read_lock::<Blob>() {
        Some(b) => b.clone(),
        None => super::to_text(v).into_bytes(),
    }
}

fn write(ctx: &NativeCallContext, out: &Stdout, data: &Dynamic, cb: Option<FnPtr>) -> bool {
    let bytes = bytes_of(data);
    let r = if out.fd == 1 { out.st.out.borrow_mut().stdout(&bytes) } else { out.st.out.borrow_mut().stderr(&bytes) };
    out.st.after_output();
    if let Some(f) = cb {
        let err = r.err().map(|e| Dynamic::from(e.to_string())).unwrap_or(Dynamic::UNIT);
        out.st.next_tick(Task::Call(Callback::new(ctx, f), vec![err]));
    }
    true
}

pub struct StdinInner {
    st: Rc<State>,
    emitter: Emitter,
    token: Cell<Option<u64>>,
    flow: RefCell<Readable>,
    /// Holds the loop while watched.
    hold: Cell<Option<crate::event_loop::Hold>>,
    text: TextMode,
}

#[derive(Clone)]
pub struct Stdin(Rc<StdinInner>);

impl Stdin {
    pub fn new(st: &Rc<State>) -> Stdin {
        Stdin(Rc::new(StdinInner {
            st: st.clone(),
            emitter: Emitter::default(),
            token: Cell::new(None),
            flow: RefCell::new(Readable::new(0)),
            hold: Cell::new(None),
            text: TextMode::default(),
        }))
    }

    fn resume(&self) {
        // Nothing waits to flow (stdin reads only while flowing): no flow pass.
        let _ = self.0.flow.borrow_mut().resume();
        self.update_watch();
    }

    fn pause(&self) {
        self.0.flow.borrow_mut().pause();
        self.update_watch();
    }

    fn update_watch(&self) {
        let i = &self.0;
        let want = i.flow.borrow().wants_read();
        match (want, i.token.get()) {
            (true, None) => match i.st.watch(std::io::stdin().as_fd(), self.0.clone(), true, false) {
                Ok(token) => {
                    i.token.set(Some(token));
                    i.hold.set(Some(i.st.hold()));
                }
                // Not pollable (closed): it never gives data, nor `end`.
                Err(_) => i.flow.borrow_mut().destroy(),
            },
            (false, Some(_)) => i.stop(),
            _ => {}
        }
    }
}

impl StdinInner {
    fn stop(&self) {
        if let Some(token) = self.token.take() {
            self.st.unwatch(std::io::stdin().as_fd(), token);
            self.hold.set(None);
        }
    }
}

impl Source for StdinInner {
    fn on_ready(&self, rt: &Runtime, _ready: Ready) {
        let mut buf = Vec::with_capacity(READ_SIZE);
        match fd::read_into(std::io::stdin().as_fd(), &mut buf) {
            Read::Data(n) if n < READ_SIZE / 2 => buf.shrink_to_fit(),
            Read::Data(_) => {}
            Read::WouldBlock => return,
            // A read error ends stdin as EOF does (as it always did).
            Read::Eof | Read::Failed(_) => {
                self.stop();
                let mut flow = self.flow.borrow_mut();
                flow.set_eof();
                if !flow.take_end() {
                    return;
                }
                drop(flow);
                if let Some(rest) = self.text.rest() {
                    rt.emit_macrotask(&self.emitter, "data", &[rest.into()]);
                }
                rt.emit_macrotask(&self.emitter, "end", &[]);
                rt.emit_macrotask(&self.emitter, "close", &[]);
                return;
            }
        }
        let Some(chunk) = self.text.chunk(buf) else { return };
        rt.emit_macrotask(&self.emitter, "data", &[chunk.into()]);
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
    engine.register_fn("resume", |s: &mut Stdin| {
        s.resume();
        s.clone()
    });
    engine.register_fn("pause", |s: &mut Stdin| {
        s.pause();
        s.clone()
    });
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
    let out = Stdout { st: st.clone(), fd: 1, emitter: Rc::default() };
    let err = Stdout { st: st.clone(), fd: 2, emitter: Rc::default() };
    install_broken_hook(st, &out, &err);
    (out, err, Stdin::new(st))
}
