//! A small loop for the stream tests: the real reactor (epoll) with a context of
//! its own, a host with tick and close queues, and a recorder context whose handlers
//! log every event, so a test states the exact order of what a binding would hear.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::os::fd::{AsFd, OwnedFd};
use std::rc::{Rc, Weak};

use super::events::{Event, Handler, Host, Io, IoError, Reactor, When};
use super::flush::{ExitFlush, Pending};
use super::stream::{Stream, StreamOpts};
use crate::event_loop::Counts;

/// The context `C` of the tests: the log every handler writes to.
#[derive(Default)]
pub struct Rec {
    pub log: RefCell<Vec<String>>,
}

type Posted = (Rc<dyn Handler<Rec>>, Event);

#[derive(Default)]
pub struct Queues {
    ticks: RefCell<VecDeque<Posted>>,
    closing: RefCell<VecDeque<Posted>>,
    pub flush: ExitFlush,
}

impl Host<Rec> for Queues {
    fn post(&self, when: When, to: Rc<dyn Handler<Rec>>, ev: Event) {
        match when {
            When::Now | When::Tick => self.ticks.borrow_mut().push_back((to, ev)),
            When::Close => self.closing.borrow_mut().push_back((to, ev)),
        }
    }
    fn after_event(&self, _cx: &Rec, _ok: bool) {}
    fn flush_at_exit(&self, w: Weak<dyn Pending>) {
        self.flush.register(w);
    }
    fn after(&self, _ms: u64, _f: Box<dyn FnOnce()>) {
        unreachable!("no stream starts a timer");
    }
    fn at_exit(&self, _f: Box<dyn Fn()>) {
        unreachable!("no stream has an exit hook");
    }
}

pub struct World {
    pub cx: Rec,
    pub reactor: Rc<Reactor<Rec>>,
    /// The loop's liveness counts, which the reactor's guards count in.
    pub live: Rc<Counts>,
    pub q: Rc<Queues>,
    pub io: Io<Rec>,
}

impl World {
    pub fn new() -> World {
        let live = Rc::new(Counts::default());
        let reactor = Rc::new(Reactor::new(live.clone()).expect("epoll"));
        let q = Rc::new(Queues::default());
        let io = Io { reactor: reactor.clone(), host: q.clone() };
        World { cx: Rec::default(), reactor, live, q, io }
    }

    /// One loop turn: ticks, poll (up to `timeout_ms`), dispatch with the ticks after
    /// each report, then the close phase. False when nothing is watched and nothing is queued.
    pub fn turn(&self, timeout_ms: i32) -> bool {
        // Ticks queued outside the loop (by the test, as by a script) run first.
        self.run_queue(&self.q.ticks);
        let queued = !self.q.ticks.borrow().is_empty() || !self.q.closing.borrow().is_empty();
        if self.reactor.watched().is_empty() && !queued {
            return false;
        }
        let timeout = if queued { 0 } else { timeout_ms };
        for ready in self.reactor.wait(timeout).expect("epoll_wait") {
            self.reactor.dispatch(&self.cx, ready);
            // Each macrotask is followed by its ticks (Node's nextTick queue).
            self.run_queue(&self.q.ticks);
        }
        self.run_queue(&self.q.closing);
        true
    }

    fn run_queue(&self, q: &RefCell<VecDeque<Posted>>) {
        loop {
            let next = q.borrow_mut().pop_front();
            let Some((to, ev)) = next else { return };
            to.event(&self.cx, ev);
        }
    }

    /// Turns until `done` holds (at most 200 turns of up to 50 ms: a wedged test
    /// fails instead of hanging).
    pub fn run_until(&self, mut done: impl FnMut(&World) -> bool) {
        for _ in 0..200 {
            if done(self) {
                return;
            }
            self.turn(50);
        }
        panic!("condition not reached; log: {:?}", self.cx.log.borrow());
    }

    pub fn log(&self) -> Vec<String> {
        self.cx.log.borrow().clone()
    }

    pub fn logged(&self, what: &str) -> bool {
        self.cx.log.borrow().iter().any(|l| l == what)
    }

    /// Ref'd handles held plus requests in flight.
    pub fn alive(&self) -> usize {
        self.live.handles() + self.live.requests()
    }
}

/// A handler that logs events as `name:what`, with an optional hook run after each.
pub struct Probe {
    pub name: &'static str,
    pub stream: RefCell<Option<Rc<Stream<Rec>>>>,
    #[allow(clippy::type_complexity)]
    pub hook: RefCell<Option<Box<dyn Fn(&Probe, &Event)>>>,
}

impl Probe {
    /// A probe and its stream (built by `make` with the probe as handler).
    pub fn with(name: &'static str, make: impl FnOnce(Weak<dyn Handler<Rec>>) -> Rc<Stream<Rec>>) -> Rc<Probe> {
        let p = Rc::new(Probe { name, stream: RefCell::new(None), hook: RefCell::new(None) });
        let to: Rc<dyn Handler<Rec>> = p.clone();
        let s = make(Rc::downgrade(&to));
        *p.stream.borrow_mut() = Some(s);
        p
    }

    pub fn s(&self) -> Rc<Stream<Rec>> {
        self.stream.borrow().clone().expect("probe has a stream")
    }

    pub fn on(&self, f: impl Fn(&Probe, &Event) + 'static) {
        *self.hook.borrow_mut() = Some(Box::new(f));
    }
}

pub fn describe(e: &IoError) -> String {
    match e {
        IoError::Sys { errno, syscall } => format!("{syscall} {errno:?}"),
        IoError::Connect { errno, .. } => format!("connect {errno:?}"),
        IoError::Destroyed => "destroyed".into(),
        IoError::WriteAfterEnd => "write after end".into(),
    }
}

impl Handler<Rec> for Probe {
    fn event(&self, cx: &Rec, ev: Event) -> bool {
        let what = match &ev {
            Event::Connect => "connect".to_string(),
            Event::Data(b) => format!("data {}", String::from_utf8_lossy(b)),
            Event::End => "end".into(),
            Event::Drain => "drain".into(),
            Event::Finish => "finish".into(),
            Event::Written { id, err: None } => format!("written {id}"),
            Event::Written { id, err: Some(e) } => format!("written {id} {}", describe(e)),
            Event::Error(e) => format!("error {}", describe(e)),
            Event::Close { had_error } => format!("close {had_error}"),
            Event::Accepted(_) => "accepted".into(),
        };
        cx.log.borrow_mut().push(format!("{}:{what}", self.name));
        if let Some(h) = self.hook.borrow().as_ref() {
            h(self, &ev);
        }
        true
    }

    fn read(&self, cx: &Rec, bytes: &[u8], fds: Vec<OwnedFd>) {
        cx.log.borrow_mut().push(format!("{}:read {} fds {}", self.name, String::from_utf8_lossy(bytes), fds.len()));
    }
}

/// A connected, non-blocking, close-on-exec Unix stream socketpair.
pub fn socketpair() -> (OwnedFd, OwnedFd) {
    let (a, b) = crate::sys::fd::socketpair().expect("socketpair");
    crate::sys::fd::set_nonblocking(a.as_fd(), true).expect("O_NONBLOCK");
    crate::sys::fd::set_nonblocking(b.as_fd(), true).expect("O_NONBLOCK");
    (a, b)
}

/// A non-blocking, close-on-exec pipe: (read end, write end).
pub fn pipe() -> (OwnedFd, OwnedFd) {
    nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC | nix::fcntl::OFlag::O_NONBLOCK).expect("pipe2")
}

/// Reads everything the peer end has now (non-blocking).
pub fn drain_peer(fd: &OwnedFd) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = [0u8; 65536];
    while let Ok(n) = nix::unistd::read(fd, &mut buf) {
        if n == 0 {
            break;
        }
        out.extend_from_slice(&buf[..n]);
    }
    out
}

pub fn socket_stream(w: &World, name: &'static str, fd: OwnedFd, opts: StreamOpts) -> Rc<Probe> {
    let io = w.io.clone();
    let p = Probe::with(name, |to| Stream::new(&io, opts, to));
    p.s().adopt(fd);
    p
}

/// A new world with one stream, its probe named `name`, over `ours`; `peer` is the
/// other end, left to the test to read, write or drop.
pub fn world_with(name: &'static str, ours: OwnedFd, peer: OwnedFd, opts: StreamOpts) -> One {
    let w = World::new();
    let p = socket_stream(&w, name, ours, opts);
    let s = p.s();
    (w, p, s, peer)
}

/// What [`world_with`] builds: the world, the probe, its stream and the peer end.
pub type One = (World, Rc<Probe>, Rc<Stream<Rec>>, OwnedFd);

/// Stream `a` on one end of a socketpair; the peer is the other end.
pub fn socket_world(opts: StreamOpts) -> One {
    let (a, b) = socketpair();
    world_with("a", a, b, opts)
}

/// Stream `w` on the write end of a pipe; the peer is the read end.
pub fn pipe_writer(opts: StreamOpts) -> One {
    let (r, wr) = pipe();
    world_with("w", wr, r, opts)
}

/// Writes all of `b` to `fd` at once (it must fit).
pub fn send(fd: &OwnedFd, b: &[u8]) {
    assert_eq!(nix::unistd::write(fd, b).expect("write"), b.len());
}
