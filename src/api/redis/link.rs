//! The connection side of a Redis client: opening the socket (with this client as
//! its consumer, the way the HTTP client reads its socket), the handshake, replies
//! settling promises, and the loss of a connection: `error`, `reconnecting`, a new
//! socket after the backoff delay; or, when closing, the end (`end`).

use std::rc::Rc;

use rhai::{Dynamic, Engine, Map};

use super::client::{Inner, Token, closed_error};
use super::reply;
use crate::api::net::{Consumer, Outcome, Socket};
use crate::net::Endpoint;
use crate::redis::conn::Event;
use crate::redis::url::Target;
use crate::runtime::Task;
use crate::value::error;

/// The socket's consumer for one connection attempt.
struct Link {
    client: Rc<Inner>,
    generation: u64,
}

impl Link {
    fn current(&self) -> Option<&Rc<Inner>> {
        (self.client.generation.get() == self.generation).then_some(&self.client)
    }
}

impl Inner {
    fn endpoints(&self) -> Result<Vec<Endpoint>, Map> {
        match &self.opts.target {
            Target::Unix(p) => Ok(vec![Endpoint::Unix(p.clone())]),
            Target::Tcp(host, port) => crate::net::addr::resolve(host, *port)
                .map(|a| a.into_iter().map(Endpoint::Tcp).collect())
                .map_err(|_| crate::api::net::errors::not_found(host)),
        }
    }

    pub(super) fn open_socket(&self) {
        let generation = self.generation.get() + 1;
        self.generation.set(generation);
        let sock = Socket::new(&self.st);
        sock.set_ref(self.refd.get());
        sock.set_consumer(Rc::new(Link { client: self.rc(), generation }));
        *self.sock.borrow_mut() = Some(sock.clone());
        match self.endpoints() {
            Ok(targets) => sock.connect(targets),
            Err(e) => sock.destroy(Some(e)),
        }
    }

    fn on_connected(&self, engine: &Engine) -> Outcome {
        let o = &self.opts;
        let mut hs: Vec<Vec<Vec<u8>>> = Vec::new();
        if let Some(pass) = &o.password {
            let mut a = vec![b"AUTH".to_vec()];
            a.extend(o.username.iter().map(|u| u.as_bytes().to_vec()));
            a.push(pass.as_bytes().to_vec());
            hs.push(a);
        }
        if o.database != 0 {
            hs.push(vec![b"SELECT".to_vec(), o.database.to_string().into_bytes()]);
        }
        if let Some(name) = &o.name {
            hs.push(vec![b"CLIENT".to_vec(), b"SETNAME".to_vec(), name.as_bytes().to_vec()]);
        }
        let n = hs.len();
        let handshake = hs.into_iter().enumerate().map(|(k, a)| (a, Token::Handshake { last: k + 1 == n })).collect();
        self.conn.borrow_mut().connected(handshake, || Token::Ignore);
        self.flush();
        self.emitter.emit(engine, "connect", &[])?;
        if n == 0 { self.became_ready(engine) } else { Ok(()) }
    }

    fn became_ready(&self, engine: &Engine) -> Outcome {
        self.ready.set(true);
        for p in self.connect_waiters.borrow_mut().drain(..) {
            p.resolve(&self.st.micro, Dynamic::UNIT);
        }
        self.emitter.emit(engine, "ready", &[]).map(|_| ())
    }

    fn settle(&self, engine: &Engine, token: Token, r: crate::redis::resp::Reply) -> Outcome {
        let q = &self.st.micro;
        match token {
            Token::Call(p, shape) => match reply::shape(r, shape) {
                Ok(v) => p.resolve(q, v),
                Err(e) => p.reject(q, e),
            },
            Token::Exec(p, shapes) => match super::multi::exec_result(r, &shapes) {
                Ok(v) => p.resolve(q, v),
                Err(e) => p.reject(q, e),
            },
            Token::Ignore => {}
            Token::Native(f) => f(engine, r)?,
            Token::Quit(p) => {
                self.finish(None);
                p.resolve(q, reply::raw(r));
            }
            Token::Handshake { last } => {
                if let crate::redis::resp::Reply::Error(e) = &r {
                    self.emitter.emit(engine, "error", &[reply::error_value(e)])?;
                }
                if last {
                    self.became_ready(engine)?;
                }
            }
        }
        Ok(())
    }

    fn on_data(&self, engine: &Engine, bytes: &[u8]) -> Outcome {
        let events = self.conn.borrow_mut().feed(bytes);
        for ev in events {
            match ev {
                Event::Reply(token, r) => self.settle(engine, token, r)?,
                Event::Message { pattern, channel, message } => {
                    super::pubsub::deliver(self, engine, pattern, channel, message)?
                }
                Event::Protocol(msg) => {
                    let e = error::error("Error", &format!("Redis protocol error: {msg}"), None);
                    if let Some(s) = self.sock.borrow().clone() {
                        s.destroy(None);
                    }
                    return self.lost(engine, e.into());
                }
            }
        }
        Ok(())
    }

    /// Rejects what the connection took with it and, unless closing, plans the next
    /// attempt: `error`, `reconnecting`, then a new socket after the backoff delay.
    fn lost(&self, engine: &Engine, err: Dynamic) -> Outcome {
        if self.closing.get() {
            self.finish(None);
            return Ok(());
        }
        self.ready.set(false);
        self.generation.set(self.generation.get() + 1);
        self.sock.borrow_mut().take();
        for t in self.conn.borrow_mut().disconnected(false) {
            self.reject_token(t, err.clone());
        }
        let delay = self.conn.borrow_mut().next_delay();
        let me = self.me.clone();
        let task = Task::Native(Rc::new(move |engine: &Engine| {
            if let Some(me) = me.upgrade() {
                me.retry.set(None);
                if me.open.get() && !me.closing.get() {
                    me.open_socket();
                    me.emitter.emit(engine, "reconnecting", &[])?;
                }
            }
            Ok(Dynamic::UNIT)
        }));
        {
            let id = self.st.timer_start(delay, false, task);
            self.st.timer_set_ref(id, self.refd.get());
            self.retry.set(Some(id));
        }
        self.emitter.emit(engine, "error", &[err])?;
        Ok(())
    }

    pub(super) fn reject_token(&self, t: Token, err: Dynamic) {
        match t {
            Token::Call(p, _) | Token::Exec(p, _) | Token::Quit(p) => p.reject(&self.st.micro, err),
            Token::Native(f) => {
                // Native code hears it as an error reply, on a tick.
                let msg =
                    err.read_lock::<Map>().and_then(|m| m.get("message").map(|v| v.to_string())).unwrap_or_default();
                self.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| {
                    f(engine, crate::redis::resp::Reply::Error(msg.clone())).map(|_| Dynamic::UNIT)
                })));
            }
            Token::Ignore | Token::Handshake { .. } => {}
        }
    }

    /// The client is closed for good: the socket goes, pending commands reject with
    /// `err` (or the closed error), `end` on a tick.
    pub(super) fn finish(&self, err: Option<Dynamic>) {
        if !self.open.replace(false) {
            return;
        }
        self.ready.set(false);
        self.generation.set(self.generation.get() + 1);
        if let Some(id) = self.retry.take() {
            self.st.timer_clear(id);
        }
        if let Some(s) = self.sock.borrow_mut().take() {
            s.destroy(None);
        }
        // As node-redis: `end` first, then what was pending rejects (on the tick, so
        // the promise `disconnect()`/`quit()` returned settles before them).
        let err = err.unwrap_or_else(closed_error);
        let lost = std::cell::RefCell::new(Some(self.conn.borrow_mut().disconnected(true)));
        let waiters: Vec<_> = self.connect_waiters.borrow_mut().drain(..).collect();
        let me = self.rc();
        self.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| {
            me.closing.set(false);
            let r = me.emitter.emit(engine, "end", &[]);
            for t in lost.borrow_mut().take().unwrap_or_default() {
                me.reject_token(t, err.clone());
            }
            for p in &waiters {
                p.reject(&me.st.micro, err.clone());
            }
            r.map(|_| Dynamic::UNIT)
        })));
    }
}

impl Consumer for Link {
    fn connected(&self, engine: &Engine) -> Outcome {
        match self.current() {
            Some(c) => c.on_connected(engine),
            None => Ok(()),
        }
    }

    fn data(&self, engine: &Engine, bytes: Vec<u8>) -> Outcome {
        match self.current() {
            Some(c) => c.on_data(engine, &bytes),
            None => Ok(()),
        }
    }

    fn end(&self, engine: &Engine) -> Outcome {
        let Some(c) = self.current() else { return Ok(()) };
        if let Some(s) = c.sock.borrow().clone() {
            s.destroy(None);
        }
        let e = error::error("Error", "Socket closed unexpectedly", None);
        c.lost(engine, e.into())
    }

    fn error(&self, engine: &Engine, err: &Map) -> Outcome {
        match self.current() {
            Some(c) => c.lost(engine, err.clone().into()),
            None => Ok(()),
        }
    }

    fn closed(&self) {}
}
