//! `ipc.of[id]`: a client of one node-ipc service, with node-ipc 9.2.1's events and
//! reconnects. Events: `connect`, `disconnect` (each time a connection closes or an
//! attempt fails), `destroy` (no more retries), `error`, `data` (raw mode), and every
//! type the server emits.
//!
//! After a lost connection the client retries every `config.retry` ms, up to
//! `config.maxRetries` (reset by each successful connect), unless `stopRetrying` is
//! set or the script called `ipc.disconnect(id)`.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use rhai::{Dynamic, Engine, Map};

use super::conn::{Conn, Input, Owner, Phase};
use super::errors;
use super::log::Log;
use crate::event_loop::TimerId;
use crate::net::{Endpoint, addr};
use crate::nodeipc::codec::{Decoder, Frame};
use crate::nodeipc::retry::{AfterClose, Retries};
use crate::nodeipc::sockdir;
use crate::runtime::emitter::Emitter;
use crate::runtime::{RhaiResult, State, Task};
use crate::value::json;

/// Where a client connects.
#[derive(Clone, Debug)]
pub enum Target {
    Unix(String),
    Tcp { host: String, port: u16 },
}

pub struct ClientInner {
    st: Rc<State>,
    me: Weak<ClientInner>,
    pub emitter: Emitter,
    pub log: Log,
    pub id: String,
    pub target: Target,
    conn: RefCell<Option<Rc<Conn>>>,
    retries: Cell<Retries>,
    timer: Cell<Option<TimerId>>,
    explicit: Cell<bool>,
    destroyed: Cell<bool>,
}

#[derive(Clone)]
pub struct IpcClient(pub Rc<ClientInner>);

impl IpcClient {
    /// A client of `id`; it starts connecting at once.
    pub fn start(st: &Rc<State>, log: Log, id: String, target: Target) -> IpcClient {
        let max = log.config.cfg.borrow().max_retries;
        let c = IpcClient(Rc::new_cyclic(|me| ClientInner {
            st: st.clone(),
            me: me.clone(),
            emitter: Emitter::default(),
            log,
            id,
            target,
            conn: RefCell::new(None),
            retries: Cell::new(Retries::new(max)),
            timer: Cell::new(None),
            explicit: Cell::new(false),
            destroyed: Cell::new(false),
        }));
        c.0.connect();
        c
    }

    /// Gone for good: retries exhausted, or disconnected on purpose.
    pub fn destroyed(&self) -> bool {
        self.0.destroyed.get()
    }

    pub fn connected(&self) -> bool {
        self.0.conn.borrow().as_ref().is_some_and(|c| c.phase() == Phase::Open)
    }

    pub fn retries_left(&self) -> Option<u64> {
        self.0.retries.get().left()
    }

    pub fn explicitly_disconnected(&self) -> bool {
        self.0.explicit.get()
    }

    /// Sends encoded bytes; while there is no connection (waiting to retry, or given
    /// up) the script hears an `error` instead.
    pub fn send(&self, bytes: Vec<u8>) {
        let conn = self.0.conn.borrow().clone();
        if let Some(c) = conn
            && c.send(bytes)
        {
            return;
        }
        let me = self.0.clone();
        let err = errors::not_connected(&format!("the client of \"{}\"", self.0.id));
        self.0.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| {
            me.log.error(engine, &me.emitter, err.clone(), &[])
        })));
    }

    /// `ipc.disconnect(id)`: no more retries. What was emitted is still delivered,
    /// then the socket closes: `disconnect` and `destroy` follow, as in node-ipc 9.x.
    /// Between retries there is no socket, and nothing more is heard.
    pub fn disconnect(&self) {
        let i = &self.0;
        i.explicit.set(true);
        if let Some(t) = i.timer.take() {
            i.st.timer_clear(t);
        }
        let conn = i.conn.borrow().clone();
        match conn {
            Some(c) if c.phase() != Phase::Closed => c.end(),
            _ => i.destroyed.set(true),
        }
    }
}

impl ClientInner {
    fn connect(&self) {
        let decoder = {
            let c = self.log.config.cfg.borrow();
            (!c.raw_buffer).then(|| Decoder::new(c.delimiter.as_bytes(), c.max_frame_size))
        };
        let owner: Weak<dyn Owner> = self.me.clone();
        let conn = match &self.target {
            Target::Unix(path) => {
                let ep = Endpoint::Unix(path.into());
                // A private directory someone else made (or a symlink planted there)
                // could hold a squatter's socket: don't connect through it.
                match sockdir::trusted(std::path::Path::new(path)) {
                    Ok(()) => Conn::connect(&self.st, vec![ep], decoder, owner),
                    Err(e) => Conn::failed(&self.st, errors::connect(e, &ep), owner),
                }
            }
            Target::Tcp { host, port } => match addr::resolve(host, *port) {
                Ok(addrs) => Conn::connect(&self.st, addrs.into_iter().map(Endpoint::Tcp).collect(), decoder, owner),
                Err(()) => Conn::failed(&self.st, errors::not_found(host), owner),
            },
        };
        *self.conn.borrow_mut() = Some(conn);
    }

    fn emit(&self, engine: &Engine, event: &str, args: &[Dynamic]) -> RhaiResult {
        self.emitter.emit(engine, event, args).map(|_| Dynamic::UNIT)
    }

    /// Waits `ms`, then tries again (unless the script disconnected meanwhile).
    fn schedule_retry(&self, ms: u64) {
        let me = self.me.clone();
        let id = self.st.timer_start_at(
            self.st.now(),
            ms.max(1),
            Task::Native(Rc::new(move |_: &Engine| {
                if let Some(c) = me.upgrade() {
                    c.timer.set(None);
                    if !c.explicit.get() {
                        let mut r = c.retries.get();
                        r.spend();
                        c.retries.set(r);
                        c.connect();
                    }
                }
                Ok(Dynamic::UNIT)
            })),
        );
        self.timer.set(Some(id));
    }
}

impl Owner for ClientInner {
    fn opened(&self, engine: &Engine) -> RhaiResult {
        let max = self.log.config.cfg.borrow().max_retries;
        let mut r = self.retries.get();
        r.connected(max);
        self.retries.set(r);
        self.emit(engine, "connect", &[])
    }

    fn input(&self, engine: &Engine, input: Input) -> RhaiResult {
        match input {
            Input::Raw(bytes) => self.emit(engine, "data", &[Dynamic::from_blob(bytes)]),
            Input::Frame(Frame::Event { kind, data }) => self.emit(engine, &kind, &[json::from_value(data)]),
            Input::Frame(Frame::Invalid(e)) => self.log.error(engine, &self.emitter, errors::frame(&e), &[]),
        }
    }

    fn closed(&self, engine: &Engine, errs: Vec<Map>) -> RhaiResult {
        for e in errs {
            let _ = self.log.error(engine, &self.emitter, e, &[])?;
        }
        if self.destroyed.get() {
            return Ok(Dynamic::UNIT);
        }
        let (retry, stop) = {
            let c = self.log.config.cfg.borrow();
            (c.retry, c.stop_retrying)
        };
        match self.retries.get().after_close(retry, stop, self.explicit.get()) {
            AfterClose::RetryIn(ms) => {
                self.schedule_retry(ms);
                self.emit(engine, "disconnect", &[])
            }
            AfterClose::GiveUp => {
                self.destroyed.set(true);
                let _ = self.emit(engine, "disconnect", &[])?;
                self.emit(engine, "destroy", &[])
            }
        }
    }
}
