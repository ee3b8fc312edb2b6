//! One node-ipc connection: a non-blocking stream socket from `crate::net::sys`,
//! watched by the loop's poller, with an ordered write queue and (in JSON mode) a
//! frame decoder. Its owner (a client, or a server's socket) hears what happens
//! through [`Owner`]; the connection itself knows nothing of events or retries.
//!
//! Timing: the connect outcome, input and frames reach the owner from the poll phase;
//! the end of a connection (EOF, error, `destroy`) always reaches it from the close
//! phase, with the errors first (a socket error, a partial frame left at EOF).

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::os::fd::{IntoRawFd, OwnedFd, RawFd};
use std::rc::{Rc, Weak};

use rhai::{Engine, Map};

use super::errors;
use crate::event_loop::Ready;
use crate::net::Endpoint;
use crate::net::queue::WriteQueue;
use crate::net::sys::{self, Read};
use crate::nodeipc::codec::{Decoder, Frame};
use crate::runtime::{RhaiResult, Runtime, Source, State, Task};
use crate::sys::errno::Errno;
use crate::value::error;

const READ_SIZE: usize = 64 * 1024;
/// Reads per readiness report, so one busy peer cannot starve the others.
const READS_PER_WAKE: usize = 16;

/// What the peer sent.
pub enum Input {
    Frames(Vec<Frame>),
    /// Raw mode: one read, verbatim.
    Raw(Vec<u8>),
}

/// The side that gives a connection its meaning (events, ids, retries).
pub trait Owner {
    /// A connect finished.
    fn opened(&self, rt: &Runtime);
    fn input(&self, rt: &Runtime, input: Input);
    /// The connection is over; `errors` are what went wrong on the way, in order.
    fn closed(&self, engine: &Engine, errors: Vec<Map>) -> RhaiResult;
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Phase {
    Connecting,
    Open,
    Closed,
}

pub struct Conn {
    st: Rc<State>,
    me: Weak<Conn>,
    owner: Weak<dyn Owner>,
    pub(super) fd: Cell<RawFd>,
    pub(super) phase: Cell<Phase>,
    token: Cell<Option<u64>>,
    interest: Cell<(bool, bool)>,
    /// Holds the loop while active and ref'd.
    hold: Cell<Option<crate::event_loop::Hold>>,
    /// Addresses still to try while connecting, the current one first.
    targets: RefCell<VecDeque<Endpoint>>,
    delayed_error: Cell<Option<Errno>>,
    remote: RefCell<Option<Endpoint>>,
    pub(super) queue: RefCell<WriteQueue<()>>,
    /// `None` in raw mode.
    decoder: RefCell<Option<Decoder>>,
    read_buf: RefCell<Vec<u8>>,
    /// Close once everything queued is written (a deliberate disconnect).
    ending: Cell<bool>,
}

impl Conn {
    fn new(st: &Rc<State>, owner: Weak<dyn Owner>, decoder: Option<Decoder>, phase: Phase) -> Rc<Conn> {
        let conn = Rc::new_cyclic(|me| Conn {
            st: st.clone(),
            me: me.clone(),
            owner,
            fd: Cell::new(-1),
            phase: Cell::new(phase),
            token: Cell::new(None),
            interest: Cell::new((false, false)),
            hold: Cell::new(None),
            targets: RefCell::new(VecDeque::new()),
            delayed_error: Cell::new(None),
            remote: RefCell::new(None),
            queue: RefCell::new(WriteQueue::default()),
            decoder: RefCell::new(decoder),
            read_buf: RefCell::new(Vec::new()),
            ending: Cell::new(false),
        });
        super::exit_flush::track(st, &conn);
        conn
    }

    /// Starts connecting to the first of `targets` (falling back to the next ones).
    pub fn connect(
        st: &Rc<State>,
        targets: Vec<Endpoint>,
        decoder: Option<Decoder>,
        owner: Weak<dyn Owner>,
    ) -> Rc<Conn> {
        let conn = Conn::new(st, owner, decoder, Phase::Connecting);
        *conn.targets.borrow_mut() = targets.into();
        conn.connect_next();
        conn
    }

    /// A connection that failed before it could start (a name that does not resolve):
    /// the owner hears `err` from the close phase, like any other failure.
    pub fn failed(st: &Rc<State>, err: Map, owner: Weak<dyn Owner>) -> Rc<Conn> {
        let conn = Conn::new(st, owner, None, Phase::Connecting);
        conn.close(vec![err]);
        conn
    }

    /// An accepted connection; it reads at once.
    pub fn accepted(st: &Rc<State>, fd: OwnedFd, decoder: Option<Decoder>, owner: Weak<dyn Owner>) -> Rc<Conn> {
        let conn = Conn::new(st, owner, decoder, Phase::Open);
        let raw = fd.into_raw_fd();
        conn.fd.set(raw);
        conn.opened_fd();
        conn.update();
        conn
    }

    pub fn phase(&self) -> Phase {
        self.phase.get()
    }

    pub fn remote(&self) -> Option<Endpoint> {
        self.remote.borrow().clone()
    }

    /// Bytes queued and not yet taken by the kernel.
    pub fn queued(&self) -> usize {
        self.queue.borrow().len()
    }

    /// Queues `bytes` (sent at once when possible). False when the connection is over,
    /// or is going away.
    pub fn send(&self, bytes: Vec<u8>) -> bool {
        if self.phase.get() == Phase::Closed || self.ending.get() {
            return false;
        }
        let idle = self.queue.borrow().is_empty();
        if idle && self.phase.get() == Phase::Open {
            match sys::send_some(self.fd.get(), &bytes) {
                Ok(n) if n == bytes.len() => return true,
                Ok(n) => self.queue.borrow_mut().push(bytes[n..].to_vec(), None),
                Err(errno) => {
                    self.close(vec![error::syscall("write", errno)]);
                    return false;
                }
            }
        } else {
            self.queue.borrow_mut().push(bytes, None);
        }
        self.update();
        true
    }

    /// Closes now, dropping what is queued; the owner hears `closed` (with `err`).
    pub fn destroy(&self, err: Option<Map>) {
        self.close(err.into_iter().collect());
    }

    /// A deliberate disconnect: input stops; what is queued is still written
    /// (node-ipc 9.x loses an emit made just before `disconnect`), then the socket
    /// closes and the owner hears `closed`.
    pub fn end(&self) {
        self.ending.set(true);
        if self.phase.get() != Phase::Open || self.queue.borrow().is_empty() {
            return self.close(Vec::new());
        }
        self.update();
    }

    /// Reads away what the peer sent and nobody will read: closing a socket with
    /// unread input makes the kernel reset the connection, and a reset can make the
    /// peer drop what we just sent it.
    fn discard_input(&self) {
        let fd = self.fd.get();
        if fd < 0 {
            return;
        }
        let mut buf = Vec::with_capacity(READ_SIZE);
        for _ in 0..READS_PER_WAKE {
            buf.clear();
            if !matches!(sys::read_into(fd, &mut buf), Read::Data(_)) {
                break;
            }
        }
    }

    fn rc(&self) -> Rc<Conn> {
        self.me.upgrade().expect("a connection outlives its own calls")
    }

    fn connect_next(&self) {
        loop {
            let Some(to) = self.targets.borrow().front().cloned() else { return };
            match sys::connect(&to) {
                Ok((fd, delayed)) => {
                    self.fd.set(fd.into_raw_fd());
                    self.delayed_error.set(delayed);
                    self.update();
                    return;
                }
                Err(errno) => {
                    self.targets.borrow_mut().pop_front();
                    if self.targets.borrow().is_empty() {
                        return self.close(vec![errors::connect(errno, &to)]);
                    }
                }
            }
        }
    }

    /// The socket became writable while connecting: open, the next address, or failed.
    fn on_connected(&self, rt: &Runtime) {
        let fd = self.fd.get();
        let connected = self.delayed_error.take().map_or_else(|| sys::take_error(fd), Err);
        if matches!(connected, Err(Errno::EINPROGRESS | Errno::EALREADY)) {
            return;
        }
        if let Err(errno) = connected {
            let failed = self.targets.borrow_mut().pop_front();
            if !self.targets.borrow().is_empty() {
                self.close_fd();
                return self.connect_next();
            }
            let to = failed.unwrap_or(Endpoint::Tcp(([0, 0, 0, 0], 0).into()));
            return self.close(vec![errors::connect(errno, &to)]);
        }
        self.targets.borrow_mut().clear();
        self.phase.set(Phase::Open);
        self.opened_fd();
        self.flush();
        self.update();
        if self.phase.get() == Phase::Open
            && let Some(owner) = self.owner.upgrade()
        {
            owner.opened(rt);
        }
    }

    /// Small frames go out at once: Nagle would hold a reply back for an ACK.
    fn opened_fd(&self) {
        let fd = self.fd.get();
        *self.remote.borrow_mut() = sys::peer(fd);
        if matches!(*self.remote.borrow(), Some(Endpoint::Tcp(_))) {
            let _ = sys::set_nodelay(fd, true);
        }
    }

    fn flush(&self) {
        let fd = self.fd.get();
        if fd < 0 || self.phase.get() != Phase::Open {
            return;
        }
        let f = self.queue.borrow_mut().flush(|b| sys::send_some(fd, b));
        if let Some((errno, _)) = f.error {
            return self.close(vec![error::syscall("write", errno)]);
        }
        if self.ending.get() && self.queue.borrow().is_empty() {
            self.close(Vec::new());
        }
    }

    fn on_readable(&self, rt: &Runtime) {
        for _ in 0..READS_PER_WAKE {
            if self.phase.get() != Phase::Open || self.ending.get() {
                return;
            }
            let mut buf = std::mem::take(&mut *self.read_buf.borrow_mut());
            buf.clear();
            buf.reserve(READ_SIZE);
            let got = sys::read_into(self.fd.get(), &mut buf);
            let input = match got {
                Read::Data(_) => {
                    let mut decoder = self.decoder.borrow_mut();
                    match decoder.as_mut() {
                        Some(d) => {
                            let mut frames = Vec::new();
                            d.push(&buf, &mut frames);
                            (!frames.is_empty()).then_some(Input::Frames(frames))
                        }
                        None => Some(Input::Raw(buf.clone())),
                    }
                }
                Read::Eof => return self.on_eof(),
                Read::WouldBlock => None,
                Read::Failed(errno) => return self.close(vec![error::syscall("read", errno)]),
            };
            let short = !matches!(got, Read::Data(n) if n == READ_SIZE);
            *self.read_buf.borrow_mut() = buf;
            if let Some(input) = input
                && let Some(owner) = self.owner.upgrade()
            {
                owner.input(rt, input);
            }
            // A short read emptied the socket; the poller reports the next bytes.
            if short {
                return;
            }
        }
    }

    fn on_eof(&self) {
        let partial = self.decoder.borrow_mut().as_mut().and_then(Decoder::finish);
        self.close(partial.map(|e| errors::frame(&e)).into_iter().collect());
    }

    /// Closes the socket; the owner hears `closed(errors)` in the close phase.
    fn close(&self, errors: Vec<Map>) {
        if self.phase.replace(Phase::Closed) == Phase::Closed {
            return;
        }
        if self.ending.replace(false) {
            self.discard_input();
        }
        self.close_fd();
        self.queue.borrow_mut().clear();
        self.targets.borrow_mut().clear();
        // Held until the close phase: a client removed from `ipc.of` by `disconnect`
        // still reports its end.
        let Some(owner) = self.owner.upgrade() else { return };
        let errors = RefCell::new(Some(errors));
        self.st.close_later(Task::Native(Rc::new(move |engine: &Engine| {
            let errors = errors.borrow_mut().take().unwrap_or_default();
            owner.closed(engine, errors)
        })));
    }

    fn close_fd(&self) {
        self.set_interest(false, false);
        self.set_hold(false);
        let fd = self.fd.replace(-1);
        if fd >= 0 {
            // SAFETY: we own the descriptor and nothing uses it after this.
            unsafe { libc::close(fd) };
        }
    }

    /// Brings the poller interest and the loop's liveness count in line with the state.
    fn update(&self) {
        if self.fd.get() < 0 {
            return;
        }
        let (read, write) = match self.phase.get() {
            Phase::Connecting => (false, true),
            Phase::Open => (!self.ending.get(), !self.queue.borrow().is_empty()),
            Phase::Closed => (false, false),
        };
        self.set_interest(read, write);
        self.set_hold(read || write);
    }

    fn set_interest(&self, read: bool, write: bool) {
        let fd = self.fd.get();
        if (read, write) == self.interest.get() && self.token.get().is_some() == (read || write) {
            return;
        }
        self.interest.set((read, write));
        match (read || write, self.token.get()) {
            (false, Some(t)) => {
                self.token.set(None);
                self.st.unwatch(fd, t);
            }
            (true, None) => match self.st.watch(fd, self.rc(), read, write) {
                Ok(t) => self.token.set(Some(t)),
                Err(e) => self.close(vec![error::syscall("epoll_ctl", e.raw_os_error().unwrap_or(libc::EIO))]),
            },
            (true, Some(t)) => {
                let _ = self.st.lp.borrow_mut().poller.watch(fd, t, read, write);
            }
            (false, None) => {}
        }
    }

    fn set_hold(&self, hold: bool) {
        self.st.set_hold(&self.hold, hold);
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        let fd = self.fd.get();
        if fd >= 0 {
            // SAFETY: as in close_fd.
            unsafe { libc::close(fd) };
        }
    }
}

impl Source for Conn {
    fn on_ready(&self, rt: &Runtime, ready: Ready) {
        match self.phase.get() {
            Phase::Connecting => self.on_connected(rt),
            Phase::Open => {
                if ready.writable && self.interest.get().1 {
                    self.flush();
                    self.update();
                }
                if ready.readable {
                    self.on_readable(rt);
                }
            }
            Phase::Closed => {}
        }
    }
}
