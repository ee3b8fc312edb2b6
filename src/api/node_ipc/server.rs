//! `ipc.server`: a node-ipc service on a Unix socket (`serve`) or TCP (`serveNet`).
//! Events: `start`, `connect` (socket), `socket.disconnected` (socket, its id or
//! false), `error` (error, socket?), `data` (raw mode: bytes, socket), and every type
//! a client emits, as `(data, socket)`.
//!
//! As node-ipc does, a socket takes the `id` of the first payload carrying one, and
//! connections beyond `config.maxConnections` are closed as they arrive. Unlike 9.x,
//! `stop()` also closes the connections (each reports `socket.disconnected`) and
//! removes the socket file, so a stopped server lets the process exit.
//!
//! Accepting, the back-off when out of descriptors and the socket file (unlinked on
//! `stop()` and at exit) are `crate::io::listener`'s, as for `net.Server`.

use std::cell::RefCell;
use std::os::fd::OwnedFd;
use std::path::PathBuf;
use std::rc::{Rc, Weak};

use rhai::{Array, Dynamic, Engine, Map};
use serde_json::Value;

use super::conn::{Conn, Input, Owner};
use super::errors;
use super::log::Log;
use crate::io::events::{Event, Handler, IoError};
use crate::io::listener::{Listener, SocketFile};
use crate::net::{Endpoint, addr, sys};
use crate::nodeipc::codec::{Decoder, Frame};
use crate::nodeipc::{sockdir, stale};
use crate::runtime::emitter::Emitter;
use crate::runtime::{RhaiResult, Runtime, State, Task};
use crate::value::json;

/// Where a server listens.
#[derive(Clone, Debug)]
pub enum Listen {
    Unix(String),
    Tcp { host: String, port: u16 },
}

pub struct ServerInner {
    st: Rc<State>,
    me: Weak<ServerInner>,
    pub emitter: Emitter,
    pub log: Log,
    pub at: Listen,
    /// While listening.
    listener: RefCell<Option<Rc<Listener<Runtime>>>>,
    sockets: RefCell<Vec<IpcSocket>>,
}

#[derive(Clone)]
pub struct IpcServer(pub Rc<ServerInner>);

/// One client connection as the server's listeners see it.
pub struct SockInner {
    me: Weak<SockInner>,
    pub conn: Rc<Conn>,
    /// node-ipc's `socket.id`: `false` until a payload names one.
    pub id: RefCell<Dynamic>,
    server: Weak<ServerInner>,
}

#[derive(Clone)]
pub struct IpcSocket(pub Rc<SockInner>);

impl IpcServer {
    pub fn new(st: &Rc<State>, log: Log, at: Listen) -> IpcServer {
        IpcServer(Rc::new_cyclic(|me| ServerInner {
            st: st.clone(),
            me: me.clone(),
            emitter: Emitter::default(),
            log,
            at,
            listener: RefCell::new(None),
            sockets: RefCell::new(Vec::new()),
        }))
    }

    pub fn listening(&self) -> bool {
        self.0.listener.borrow().as_ref().is_some_and(|l| l.listening())
    }

    /// Where the server listens (the real port when it asked for port 0).
    pub fn local(&self) -> Option<Endpoint> {
        self.0.listener.borrow().as_ref().and_then(|l| l.local())
    }

    pub fn local_port(&self) -> Option<u16> {
        self.local().and_then(|e| e.port())
    }

    pub fn sockets(&self) -> Array {
        self.0.sockets.borrow().iter().cloned().map(Dynamic::from).collect()
    }

    /// Binds now; `start` (or `error`) follows on a tick. Already listening: nothing.
    pub fn start(&self) {
        if self.listening() {
            return;
        }
        let me = self.0.clone();
        match self.0.bind().and_then(|(fd, file)| self.0.listen_on(fd, file)) {
            Ok(()) => {
                self.0.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| {
                    me.emitter.emit(engine, "start", &[]).map(|_| Dynamic::UNIT)
                })));
            }
            Err(err) => {
                self.0.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| {
                    me.log.error(engine, &me.emitter, err.clone(), &[])
                })));
            }
        }
    }

    /// Stops listening and closes every connection.
    pub fn stop(&self) {
        self.0.stop_listening();
        let socks = self.0.sockets.borrow().clone();
        for s in socks {
            s.0.conn.destroy(None);
        }
    }

    /// Sends encoded bytes to one socket; a closed one gets an `error` instead.
    pub fn send_to(&self, sock: &IpcSocket, bytes: Vec<u8>) {
        if sock.0.conn.send(bytes) {
            return;
        }
        let me = self.0.clone();
        let s = sock.clone();
        let err = errors::not_connected("the socket");
        self.0.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| {
            me.log.error(engine, &me.emitter, err.clone(), &[Dynamic::from(s.clone())])
        })));
    }

    /// The same bytes to every connected socket.
    pub fn broadcast(&self, bytes: &[u8]) {
        let socks = self.0.sockets.borrow().clone();
        for s in socks {
            s.0.conn.send(bytes.to_vec());
        }
    }
}

impl ServerInner {
    fn bind(&self) -> Result<(OwnedFd, Option<SocketFile>), Map> {
        match &self.at {
            Listen::Unix(path) => {
                let p = PathBuf::from(path);
                let ep = Endpoint::Unix(p.clone());
                let (unlink, mode) = {
                    let c = self.log.config.cfg.borrow();
                    (c.unlink, c.socket_mode)
                };
                sockdir::prepare(&p).map_err(|e| errors::listen(e, &ep))?;
                if unlink {
                    stale::clear(&p).map_err(|e| errors::listen(e, &ep))?;
                }
                let fd = sys::listen_unix(&p, sys::BACKLOG, mode).map_err(|e| errors::listen(e, &ep))?;
                Ok((fd, Some(SocketFile::new(p))))
            }
            Listen::Tcp { host, port } => {
                let addrs = addr::resolve(host, *port).map_err(|()| errors::not_found(host))?;
                let fd = sys::listen_tcp(addrs[0], sys::BACKLOG, false)
                    .map_err(|e| errors::listen(e, &Endpoint::Tcp(addrs[0])))?;
                Ok((fd, None))
            }
        }
    }

    fn listen_on(&self, fd: OwnedFd, file: Option<SocketFile>) -> Result<(), Map> {
        let me = self.me.upgrade().expect("a server outlives its own calls");
        let l = Listener::listen(&self.st.io(), fd, file, me).map_err(|e| crate::value::error::syscall("listen", e))?;
        *self.listener.borrow_mut() = Some(l);
        Ok(())
    }

    fn stop_listening(&self) {
        let l = self.listener.borrow_mut().take();
        if let Some(l) = l {
            l.close();
        }
    }

    /// Takes an accepted connection; false when a `connect` listener threw (handled).
    fn accept_one(&self, rt: &Runtime, fd: OwnedFd) -> bool {
        let (max, decoder) = {
            let c = self.log.config.cfg.borrow();
            (c.max_connections, (!c.raw_buffer).then(|| Decoder::new(c.delimiter.as_bytes(), c.max_frame_size)))
        };
        if self.sockets.borrow().len() >= max {
            // Node's `server.maxConnections`: the connection is closed at once.
            drop(fd);
            return true;
        }
        let server = self.me.clone();
        let st = self.st.clone();
        let sock = IpcSocket(Rc::new_cyclic(|me: &Weak<SockInner>| {
            let owner: Weak<dyn Owner> = me.clone();
            SockInner {
                me: me.clone(),
                conn: Conn::accepted(&st, fd, decoder, owner),
                id: RefCell::new(Dynamic::FALSE),
                server,
            }
        }));
        self.sockets.borrow_mut().push(sock.clone());
        let r = self.emitter.emit(&rt.engine, "connect", &[Dynamic::from(sock)]);
        rt.settle(r.map(|_| Dynamic::UNIT), None)
    }
}

/// The listener's events: `connect` for each accepted socket, `error` when `accept`
/// failed (the server goes on listening).
impl Handler<Runtime> for ServerInner {
    fn event(&self, rt: &Runtime, ev: Event) -> bool {
        match ev {
            Event::Accepted(fd) => self.accept_one(rt, fd),
            Event::Error(IoError::Sys { errno, syscall }) => {
                let r = self.log.error(&rt.engine, &self.emitter, crate::value::error::syscall(syscall, errno), &[]);
                rt.settle(r, None)
            }
            _ => true,
        }
    }
}

impl SockInner {
    fn handle(&self) -> Dynamic {
        Dynamic::from(IpcSocket(self.me.upgrade().expect("a socket outlives its own calls")))
    }
}

/// node-ipc sets `socket.id` from any payload with a truthy `id`.
fn id_of(data: &Value) -> Option<Dynamic> {
    let id = data.as_object()?.get("id")?;
    let truthy = match id {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        _ => true,
    };
    truthy.then(|| json::from_value(id.clone()))
}

impl Owner for SockInner {
    fn opened(&self, _engine: &Engine) -> RhaiResult {
        Ok(Dynamic::UNIT)
    }

    fn input(&self, engine: &Engine, input: Input) -> RhaiResult {
        let Some(server) = self.server.upgrade() else { return Ok(Dynamic::UNIT) };
        let me = self.handle();
        match input {
            Input::Raw(bytes) => {
                server.emitter.emit(engine, "data", &[Dynamic::from_blob(bytes), me]).map(|_| Dynamic::UNIT)
            }
            Input::Frame(Frame::Event { kind, data }) => {
                if let Some(id) = id_of(&data) {
                    *self.id.borrow_mut() = id;
                }
                server.emitter.emit(engine, &kind, &[json::from_value(data), me]).map(|_| Dynamic::UNIT)
            }
            Input::Frame(Frame::Invalid(e)) => server.log.error(engine, &server.emitter, errors::frame(&e), &[me]),
        }
    }

    fn closed(&self, engine: &Engine, errs: Vec<Map>) -> RhaiResult {
        let Some(server) = self.server.upgrade() else { return Ok(Dynamic::UNIT) };
        server.sockets.borrow_mut().retain(|s| !std::ptr::eq(Rc::as_ptr(&s.0), self));
        let me = self.handle();
        for e in errs {
            let _ = server.log.error(engine, &server.emitter, e, std::slice::from_ref(&me))?;
        }
        let id = self.id.borrow().clone();
        server.emitter.emit(engine, "socket.disconnected", &[me, id]).map(|_| Dynamic::UNIT)
    }
}
