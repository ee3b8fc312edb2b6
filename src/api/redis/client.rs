//! A Redis client on the loop: the core's [`Conn`] state machine over a procbox
//! `net.Socket` (the socket's consumer, as the HTTP client is), so it shares net's
//! socket layer: connect, write queue, liveness and close. This file keeps the
//! connection's life: connect and handshake, one write per tick, replies settling
//! promises, loss and reconnect with backoff, `quit`/`disconnect`, ref/unref.
//!
//! Events (node-redis's): `connect`, `ready`, `error`, `reconnecting`, `end`.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::{Rc, Weak};

use rhai::Dynamic;

use super::reply::Shape;
use crate::api::events::EventTarget;
use crate::api::net::Socket;
use crate::event_loop::TimerId;
use crate::redis::conn::{Conn, Phase, Refused};
use crate::redis::resp::Reply;
use crate::redis::url::Options;
use crate::runtime::State;
use crate::runtime::callback::Callback;
use crate::runtime::emitter::Emitter;
use crate::runtime::promise::Promise;
use crate::value::error;

/// Commands kept while the connection is down; beyond this they reject.
pub const DEFAULT_OFFLINE_QUEUE: usize = 10_000;

/// What a command left in the queue: who hears its reply.
pub enum Token {
    Call(Promise, Shape),
    /// `multi().…exec()`: the EXEC reply, one shape per queued command.
    Exec(Promise, Vec<Shape>),
    /// MULTI and the queued commands' `+QUEUED`, re-subscriptions.
    Ignore,
    /// AUTH/SELECT/CLIENT SETNAME; `ready` follows the last one.
    Handshake {
        last: bool,
    },
    /// QUIT: its reply closes the client.
    Quit(Promise),
    /// Native code's command: gets the raw reply (an error reply if the connection
    /// was lost or the client closed).
    Native(NativeReply),
}

/// Native code told a command's reply.
pub type NativeReply = Rc<dyn Fn(&rhai::Engine, Reply) -> crate::api::net::Outcome>;

pub struct Inner {
    pub(super) st: Rc<State>,
    pub(super) me: Weak<Inner>,
    pub(super) emitter: Emitter,
    pub(super) opts: Options,
    pub(super) max_offline: usize,
    pub(super) conn: RefCell<Conn<Token>>,
    pub(super) sock: RefCell<Option<Socket>>,
    /// Which socket is current: events from an older one are ignored.
    pub(super) generation: Cell<u64>,
    pub(super) ready: Cell<bool>,
    /// `connect()` was called and the client is not closed.
    pub(super) open: Cell<bool>,
    /// `quit()`/`disconnect()` asked: a loss of the connection is the end.
    pub(super) closing: Cell<bool>,
    pub(super) refd: Cell<bool>,
    pub(super) flush_queued: Cell<bool>,
    pub(super) connect_waiters: RefCell<Vec<Promise>>,
    pub(super) retry: Cell<Option<TimerId>>,
    /// `subscribe(channel, listener)` / `pSubscribe(pattern, listener)` listeners.
    pub(super) channels: RefCell<HashMap<Vec<u8>, Vec<Callback>>>,
    pub(super) patterns: RefCell<HashMap<Vec<u8>, Vec<Callback>>>,
}

/// A script's Redis client: a shared handle.
#[derive(Clone)]
pub struct Client(pub Rc<Inner>);

impl EventTarget for Client {
    fn emitter(&self) -> &Emitter {
        &self.0.emitter
    }
}

/// node-redis's `ClientClosedError`.
pub fn closed_error() -> Dynamic {
    error::error("Error", "The client is closed", None).into()
}

impl Client {
    pub fn new(st: &Rc<State>, opts: Options, max_offline: usize) -> Client {
        super::load(st);
        Client(Rc::new_cyclic(|me| Inner {
            st: st.clone(),
            me: me.clone(),
            emitter: Emitter::default(),
            opts,
            max_offline,
            conn: RefCell::new(Conn::new(max_offline)),
            sock: RefCell::new(None),
            generation: Cell::new(0),
            ready: Cell::new(false),
            open: Cell::new(false),
            closing: Cell::new(false),
            refd: Cell::new(true),
            flush_queued: Cell::new(false),
            connect_waiters: RefCell::new(Vec::new()),
            retry: Cell::new(None),
            channels: RefCell::new(HashMap::new()),
            patterns: RefCell::new(HashMap::new()),
        }))
    }

    pub fn is_ready(&self) -> bool {
        self.0.ready.get()
    }

    pub fn is_open(&self) -> bool {
        self.0.open.get()
    }

    /// `client.connect()`: a promise settled at `ready` (node-redis keeps retrying
    /// meanwhile, so it stays pending while the server is away).
    pub fn connect(&self) -> Promise {
        let i = &self.0;
        let p = Promise::pending();
        if i.open.get() {
            let e = error::error("Error", "Socket already opened", None);
            p.reject(&i.st.micro, e.into());
            return p;
        }
        i.open.set(true);
        i.closing.set(false);
        i.connect_waiters.borrow_mut().push(p.clone());
        i.conn.borrow_mut().connecting();
        i.open_socket();
        p
    }

    /// Queues a command; its promise settles with the shaped reply.
    pub fn command(&self, args: Vec<Vec<u8>>, shape: Shape) -> Promise {
        let p = Promise::pending();
        if let Err(t) = self.0.queue(&args, Token::Call(p.clone(), shape), Some(&p)) {
            drop(t);
        }
        p
    }

    /// A command for native code: `f` gets the raw reply. With `f` `None` the reply
    /// is dropped (and so is an error).
    pub fn command_native(&self, args: Vec<Vec<u8>>, f: Option<NativeReply>) {
        let token = match f {
            Some(f) => Token::Native(f),
            None => Token::Ignore,
        };
        if let Err(t) = self.0.queue(&args, token, None) {
            self.0.reject_token(t, closed_error());
        }
    }

    /// `multi().….exec()`: MULTI, the commands and EXEC in one write.
    pub fn exec(&self, cmds: Vec<(Vec<Vec<u8>>, Shape)>) -> Promise {
        let p = Promise::pending();
        let i = &self.0;
        let shapes = cmds.iter().map(|c| c.1).collect();
        if i.queue(&[b"MULTI".to_vec()], Token::Ignore, Some(&p)).is_err() {
            return p;
        }
        for (args, _) in &cmds {
            let _ = i.queue(args, Token::Ignore, Some(&p));
        }
        let _ = i.queue(&[b"EXEC".to_vec()], Token::Exec(p.clone(), shapes), Some(&p));
        p
    }

    /// `quit()`: QUIT goes after everything queued, so pending replies come first;
    /// the server then closes and `end` follows.
    pub fn quit(&self) -> Promise {
        let i = &self.0;
        if !i.open.get() || i.closing.get() {
            let p = Promise::pending();
            p.reject(&i.st.micro, closed_error());
            return p;
        }
        if i.conn.borrow().phase() != Phase::Open {
            // Between attempts: nothing to flush to, close now.
            i.closing.set(true);
            i.finish(None);
            return Promise::resolved(&i.st.micro, "OK".into());
        }
        let p = Promise::pending();
        let _ = i.queue(&[b"QUIT".to_vec()], Token::Quit(p.clone()), Some(&p));
        i.closing.set(true);
        p
    }

    /// `disconnect()`: closes at once; what is pending rejects.
    pub fn disconnect(&self) -> Promise {
        let i = &self.0;
        if !i.open.get() {
            let p = Promise::pending();
            p.reject(&i.st.micro, closed_error());
            return p;
        }
        i.closing.set(true);
        let e = error::error("Error", "Disconnects client", None);
        i.finish(Some(e.into()));
        Promise::resolved(&i.st.micro, Dynamic::UNIT)
    }

    /// `unref()`/`ref()`: whether the connection (and its retry timer) keeps the
    /// process alive.
    pub fn set_ref(&self, refd: bool) {
        let i = &self.0;
        i.refd.set(refd);
        if let Some(s) = i.sock.borrow().as_ref() {
            s.set_ref(refd);
        }
        if let Some(t) = i.retry.get() {
            i.st.timer_set_ref(t, refd);
        }
    }
}

impl Inner {
    pub(super) fn rc(&self) -> Rc<Inner> {
        self.me.upgrade().expect("a client outlives its own calls")
    }

    /// Queues `args` with `token`; when the client is closed or the offline queue
    /// is full, `p` (if any) rejects and the token comes back.
    fn queue(&self, args: &[Vec<u8>], token: Token, p: Option<&Promise>) -> Result<(), Token> {
        let refused = |why: Refused| {
            let e = match why {
                Refused::Closed => closed_error(),
                Refused::Full => error::error("Error", "The queue is full", None).into(),
            };
            if let Some(p) = p {
                p.reject(&self.st.micro, e);
            }
        };
        if self.closing.get() {
            refused(Refused::Closed);
            return Err(token);
        }
        let r = self.conn.borrow_mut().command(args, token);
        match r {
            Ok(()) => {
                self.schedule_flush();
                Ok(())
            }
            Err((why, token)) => {
                refused(why);
                Err(token)
            }
        }
    }

    /// Everything queued in this tick goes out in one write once the tick's drain
    /// is over (automatic pipelining).
    fn schedule_flush(&self) {
        if self.flush_queued.replace(true) {
            return;
        }
        let me = self.me.clone();
        self.st.flush_soon.borrow_mut().push(Rc::new(move || {
            if let Some(me) = me.upgrade() {
                me.flush();
            }
        }));
    }

    pub(super) fn flush(&self) {
        self.flush_queued.set(false);
        let out = self.conn.borrow_mut().take_output();
        if out.is_empty() {
            return;
        }
        if let Some(s) = self.sock.borrow().as_ref() {
            s.write(out, None);
        }
    }
}
