//! One node-ipc connection: framing over a `net.Socket` it consumes, as the HTTP
//! server's connection does (`api::net::Consumer`). The socket does the I/O (connect
//! with fallback over addresses, reading, the write queue, liveness, the exit flush);
//! this turns its bytes into frames (JSON mode) or raw reads. The owner (a client, or
//! a server's socket) hears what happens through [`Owner`]; the connection itself
//! knows nothing of events or retries.
//!
//! Timing: the connect outcome, input and frames reach the owner from the poll phase;
//! the end of a connection (EOF, error, `destroy`) always reaches it from the close
//! phase, with the errors first (a socket error, a partial frame left at EOF).

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::os::fd::OwnedFd;
use std::rc::{Rc, Weak};

use rhai::{Dynamic, Engine, Map};

use super::errors;
use crate::api::net::{Consumer, Done, Outcome, Socket};
use crate::net::Endpoint;
use crate::net::sys::{self, Read};
use crate::nodeipc::codec::{Decoder, Frame};
use crate::runtime::{RhaiResult, State, Task};

/// Reads made to empty the socket before a deliberate close.
const DISCARD_READS: usize = 16;

/// What the peer sent.
pub enum Input {
    Frame(Frame),
    /// Raw mode: one read, verbatim.
    Raw(Vec<u8>),
}

/// The side that gives a connection its meaning (events, ids, retries).
pub trait Owner {
    /// A connect finished.
    fn opened(&self, engine: &Engine) -> RhaiResult;
    fn input(&self, engine: &Engine, input: Input) -> RhaiResult;
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
    me: Weak<Conn>,
    owner: Weak<dyn Owner>,
    /// `None` for a connection that failed before it could start.
    sock: Option<Socket>,
    /// `None` in raw mode.
    decoder: RefCell<Option<Decoder>>,
    /// Frames of one read still to deliver after a listener threw.
    rest: RefCell<VecDeque<Frame>>,
    /// Close once everything queued is written (a deliberate disconnect).
    ending: Cell<bool>,
    /// The socket was destroyed: the owner hears `closed` in the close phase.
    gone: Cell<bool>,
    errors: RefCell<Vec<Map>>,
    /// Held from the destroy to the close phase: a client removed from `ipc.of` by
    /// `disconnect` still reports its end.
    closing_owner: RefCell<Option<Rc<dyn Owner>>>,
}

impl Conn {
    fn new(owner: Weak<dyn Owner>, decoder: Option<Decoder>, sock: Option<Socket>) -> Rc<Conn> {
        let conn = Rc::new_cyclic(|me| Conn {
            me: me.clone(),
            owner,
            sock,
            decoder: RefCell::new(decoder),
            rest: RefCell::new(VecDeque::new()),
            ending: Cell::new(false),
            gone: Cell::new(false),
            errors: RefCell::new(Vec::new()),
            closing_owner: RefCell::new(None),
        });
        if let Some(s) = &conn.sock {
            s.set_consumer(conn.clone());
        }
        conn
    }

    /// Starts connecting to the first of `targets` (falling back to the next ones).
    pub fn connect(
        st: &Rc<State>,
        targets: Vec<Endpoint>,
        decoder: Option<Decoder>,
        owner: Weak<dyn Owner>,
    ) -> Rc<Conn> {
        let conn = Conn::new(owner, decoder, Some(Socket::new(st)));
        if let Some(s) = &conn.sock {
            s.connect(targets);
        }
        conn
    }

    /// A connection that failed before it could start (a name that does not resolve):
    /// the owner hears `err` from the close phase, like any other failure.
    pub fn failed(st: &Rc<State>, err: Map, owner: Weak<dyn Owner>) -> Rc<Conn> {
        let conn = Conn::new(owner, None, None);
        conn.errors.borrow_mut().push(err);
        conn.closed();
        let me = conn.clone();
        st.close_later(Task::Native(Rc::new(move |engine: &Engine| me.close_phase(engine).map(|_| Dynamic::UNIT))));
        conn
    }

    /// An accepted connection; it reads at once.
    pub fn accepted(st: &Rc<State>, fd: OwnedFd, decoder: Option<Decoder>, owner: Weak<dyn Owner>) -> Rc<Conn> {
        let conn = Conn::new(owner, decoder, Some(Socket::from_fd(st, fd)));
        conn.no_delay();
        conn
    }

    pub fn phase(&self) -> Phase {
        match self.sock.as_ref().map(Socket::phase) {
            _ if self.gone.get() => Phase::Closed,
            Some(crate::api::net::Phase::Open) => Phase::Open,
            Some(crate::api::net::Phase::Closed) | None => Phase::Closed,
            Some(_) => Phase::Connecting,
        }
    }

    pub fn remote(&self) -> Option<Endpoint> {
        self.sock.as_ref().and_then(Socket::remote)
    }

    /// Bytes queued and not yet taken by the kernel.
    pub fn queued(&self) -> usize {
        self.sock.as_ref().map_or(0, Socket::writable_length)
    }

    /// Queues `bytes` (sent at once when possible). False when the connection is over,
    /// or is going away.
    pub fn send(&self, bytes: Vec<u8>) -> bool {
        let Some(s) = self.sock.as_ref().filter(|_| !self.gone.get() && !self.ending.get()) else { return false };
        s.write(bytes, None);
        !s.destroyed()
    }

    /// Closes now, dropping what is queued; the owner hears `closed` (with `err`).
    pub fn destroy(&self, err: Option<Map>) {
        if let Some(s) = &self.sock {
            s.destroy(err);
        }
    }

    /// A deliberate disconnect: input stops; what is queued is still written
    /// (node-ipc 9.x loses an emit made just before `disconnect`), then the socket
    /// closes and the owner hears `closed`.
    pub fn end(&self) {
        let Some(s) = &self.sock else { return };
        if self.gone.get() || self.ending.replace(true) {
            return;
        }
        if self.phase() != Phase::Open || s.writable_length() == 0 {
            return self.close_ended();
        }
        // An empty write completes when everything before it is written.
        let me = self.me.clone();
        let done = Done::Native(Rc::new(move |_: &Engine, err: Option<Map>| {
            if let (Some(c), None) = (me.upgrade(), err) {
                c.close_ended();
            }
            Ok(Dynamic::UNIT)
        }));
        s.write(Vec::new(), Some(done));
    }

    /// Reads away what the peer sent and nobody will read, then closes: closing a
    /// socket with unread input makes the kernel reset the connection, and a reset
    /// can make the peer drop what we just sent it.
    fn close_ended(&self) {
        let Some(s) = &self.sock else { return };
        s.with_fd(|fd| {
            let mut buf = Vec::with_capacity(64 * 1024);
            for _ in 0..DISCARD_READS {
                buf.clear();
                if !matches!(sys::read_into(fd, &mut buf), Read::Data(_)) {
                    break;
                }
            }
        });
        s.destroy(None);
    }

    /// Small frames go out at once: Nagle would hold a reply back for an ACK.
    fn no_delay(&self) {
        if let Some(s) = &self.sock
            && matches!(self.remote(), Some(Endpoint::Tcp(_)))
        {
            let _ = s.with_fd(|fd| sys::set_nodelay(fd, true));
        }
    }

    /// Hands frames to the owner, one at a time; when a listener throws, the rest
    /// wait for the socket's `resume` (each listener's error is its own uncaught
    /// exception, and the next frame follows at once, before the nextTicks).
    fn deliver(&self, engine: &Engine) -> Outcome {
        let Some(owner) = self.owner.upgrade() else { return Ok(()) };
        loop {
            if self.gone.get() || self.ending.get() {
                self.rest.borrow_mut().clear();
                return Ok(());
            }
            let Some(f) = self.rest.borrow_mut().pop_front() else { return Ok(()) };
            owner.input(engine, Input::Frame(f)).map(drop)?;
        }
    }
}

impl Consumer for Conn {
    fn connected(&self, engine: &Engine) -> Outcome {
        self.no_delay();
        match self.owner.upgrade() {
            Some(o) => o.opened(engine).map(drop),
            None => Ok(()),
        }
    }

    fn data(&self, engine: &Engine, bytes: Vec<u8>) -> Outcome {
        if self.gone.get() || self.ending.get() {
            return Ok(());
        }
        let mut decoder = self.decoder.borrow_mut();
        let Some(d) = decoder.as_mut() else {
            drop(decoder);
            return match self.owner.upgrade() {
                Some(o) => o.input(engine, Input::Raw(bytes)).map(drop),
                None => Ok(()),
            };
        };
        let mut frames = Vec::new();
        d.push(&bytes, &mut frames);
        drop(decoder);
        self.rest.borrow_mut().extend(frames);
        self.deliver(engine)
    }

    fn resume(&self, engine: &Engine) -> Option<Outcome> {
        let more = !self.rest.borrow().is_empty();
        more.then(|| self.deliver(engine))
    }

    fn end(&self, _engine: &Engine) -> Outcome {
        if self.ending.get() {
            // A deliberate close is under way: it ends when the writes are out.
            return Ok(());
        }
        let partial = self.decoder.borrow_mut().as_mut().and_then(Decoder::finish);
        self.destroy(partial.map(|e| errors::frame(&e)));
        Ok(())
    }

    fn error(&self, _engine: &Engine, err: &Map) -> Outcome {
        self.errors.borrow_mut().push(err.clone());
        Ok(())
    }

    fn closed(&self) {
        self.gone.set(true);
        *self.closing_owner.borrow_mut() = self.owner.upgrade();
    }

    fn close_phase(&self, engine: &Engine) -> Outcome {
        let Some(owner) = self.closing_owner.borrow_mut().take() else { return Ok(()) };
        let errors = std::mem::take(&mut *self.errors.borrow_mut());
        owner.closed(engine, errors).map(drop)
    }

    fn flush_names(&self) -> (&'static str, &'static str) {
        ("message", "node-ipc connection")
    }
}
