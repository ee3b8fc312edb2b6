//! `net.Server` (and `http.Server`, the same object with an HTTP `connection`
//! listener): listening on TCP, a Unix path, or a descriptor from elsewhere,
//! accepting, `close` once the last connection is gone.
//!
//! Like Node, `listen()` binds synchronously (`listening` is true when it returns)
//! and reports `listening` or `error` on a tick; `close` is emitted on a tick too,
//! not in the close phase. A listening ref'd server keeps the process alive.
//!
//! Accepting, the back-off when out of descriptors, the socket file (unlinked on
//! `close()` and at exit) and ref/unref are `crate::io::listener`'s; this is the
//! adapter that turns them into `connection` and `error`.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::os::fd::OwnedFd;
use std::path::PathBuf;
use std::rc::{Rc, Weak};

use rhai::{Dynamic, Engine, Map};

use super::errors;
use super::socket::Socket;
use crate::api::events::EventTarget;
use crate::io::events::{Event, Handler, IoError};
use crate::io::listener::{Listener, SocketFile};
use crate::net::Endpoint;
use crate::net::sys;
use crate::runtime::callback::Callback;
use crate::runtime::emitter::Emitter;
use crate::runtime::{Runtime, State, Task};
use crate::sys::errno::Errno;

pub struct ServerInner {
    st: Rc<State>,
    me: Weak<ServerInner>,
    emitter: Emitter,
    /// While listening.
    listener: RefCell<Option<Rc<Listener<Runtime>>>>,
    /// `ref()`/`unref()`, kept across listens (an `unref()` before `listen()` counts).
    refd: Cell<bool>,
    connections: Cell<usize>,
    /// A `listen(port, host)` waits for its tick.
    binding: Cell<bool>,
    /// `createServer({allowHalfOpen})`, given to accepted sockets.
    pub(super) allow_half_open: Cell<bool>,
    /// Run when the server closes (the HTTP layer closes its idle connections).
    close_hooks: RefCell<Vec<Rc<dyn Fn()>>>,
    /// The protocol layered on the server (`http` keeps its state here).
    ext: RefCell<Option<Rc<dyn Any>>>,
}

#[derive(Clone)]
pub struct Server(pub Rc<ServerInner>);

/// The mode of a socket file: owner read/write (not the umask's, as in Node), plus
/// read and write for group and others with Node's `readableAll` / `writableAll`.
pub fn unix_mode(readable_all: bool, writable_all: bool) -> u32 {
    sys::SOCKET_MODE | if readable_all { 0o044 } else { 0 } | if writable_all { 0o022 } else { 0 }
}

/// Where `listen()` binds.
pub enum Bind {
    Tcp {
        at: std::net::SocketAddr,
        ipv6_only: bool,
    },
    /// No host given: `::` (also taking IPv4), or `0.0.0.0` without IPv6.
    AnyHost {
        port: u16,
    },
    /// A socket file with permission bits `mode` (see [`unix_mode`]).
    Unix(PathBuf, u32),
    /// An already-listening descriptor (a passed handle, `{fd}`, another server).
    Fd(OwnedFd),
}

impl Server {
    pub fn new(st: &Rc<State>) -> Server {
        Server(Rc::new_cyclic(|me| ServerInner {
            st: st.clone(),
            me: me.clone(),
            emitter: Emitter::default(),
            listener: RefCell::new(None),
            refd: Cell::new(true),
            connections: Cell::new(0),
            binding: Cell::new(false),
            allow_half_open: Cell::new(false),
            close_hooks: RefCell::new(Vec::new()),
            ext: RefCell::new(None),
        }))
    }

    pub fn emitter(&self) -> &Emitter {
        &self.0.emitter
    }

    pub fn listening(&self) -> bool {
        self.0.listening()
    }

    /// A duplicate of the listening descriptor (handle passing, `listen(server)`).
    pub fn dup_fd(&self) -> Option<OwnedFd> {
        self.0.listener.borrow().as_ref().and_then(|l| l.dup_fd())
    }

    pub fn address(&self) -> Option<Endpoint> {
        self.0.listener.borrow().as_ref().and_then(|l| l.local())
    }

    pub fn connections(&self) -> usize {
        self.0.connections.get()
    }

    pub fn set_ext(&self, ext: Rc<dyn Any>) {
        *self.0.ext.borrow_mut() = Some(ext);
    }

    pub fn ext<T: 'static>(&self) -> Option<Rc<T>> {
        self.0.ext.borrow().clone().and_then(|e| e.downcast::<T>().ok())
    }

    pub fn on_close(&self, hook: Rc<dyn Fn()>) {
        self.0.close_hooks.borrow_mut().push(hook);
    }

    /// Binds and listens; `listening` (or `error`) follows on a tick. `Err` only for
    /// a server that already listens (Node throws then).
    pub fn listen(&self, bind: Result<Bind, Map>, backlog: i32) -> Result<(), Map> {
        if self.listening() || self.0.binding.get() {
            return Err(errors::already_listening());
        }
        self.finish_listen(bind, backlog);
        Ok(())
    }

    /// Like [`Server::listen`], but binds on a tick: Node looks a given host up
    /// first (even an IP literal), so `listening` is still false when `listen`
    /// returns.
    pub fn listen_later(&self, bind: Result<Bind, Map>, backlog: i32) -> Result<(), Map> {
        if self.listening() || self.0.binding.get() {
            return Err(errors::already_listening());
        }
        self.0.binding.set(true);
        let me = self.clone();
        let bind = RefCell::new(Some(bind));
        self.0.st.next_tick(Task::Native(Rc::new(move |_: &Engine| {
            me.0.binding.set(false);
            if let Some(b) = bind.borrow_mut().take() {
                me.finish_listen(b, backlog);
            }
            Ok(Dynamic::UNIT)
        })));
        Ok(())
    }

    fn finish_listen(&self, bind: Result<Bind, Map>, backlog: i32) {
        let r = bind.and_then(|bind| self.bind(bind, backlog)).and_then(|(fd, file)| self.0.start(fd, file));
        let me = self.0.clone();
        match r {
            Ok(()) => {
                self.0.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| {
                    me.emitter.emit(engine, "listening", &[]).map(|_| Dynamic::UNIT)
                })));
            }
            Err(err) => {
                self.0.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| {
                    me.emitter.emit(engine, "error", &[err.clone().into()]).map(|_| Dynamic::UNIT)
                })));
            }
        }
    }

    fn bind(&self, bind: Bind, backlog: i32) -> Result<(OwnedFd, Option<SocketFile>), Map> {
        let fd = match bind {
            Bind::Tcp { at, ipv6_only } => {
                sys::listen_tcp(at, backlog, ipv6_only).map_err(|e| errors::listen("listen", e, &Endpoint::Tcp(at)))
            }
            Bind::AnyHost { port } => sys::listen_tcp(([0u16; 8], port).into(), backlog, false)
                .or_else(|e| match e {
                    Errno::EAFNOSUPPORT | Errno::EADDRNOTAVAIL => {
                        sys::listen_tcp(([0u8; 4], port).into(), backlog, false)
                    }
                    e => Err(e),
                })
                .map_err(|e| errors::listen("listen", e, &Endpoint::Tcp(([0u16; 8], port).into()))),
            Bind::Unix(path, mode) => {
                return match sys::listen_unix(&path, backlog, mode) {
                    Ok(fd) => Ok((fd, Some(SocketFile::new(path)))),
                    Err(e) => Err(errors::listen("listen", e, &Endpoint::Unix(path))),
                };
            }
            Bind::Fd(fd) => {
                use std::os::fd::AsFd;
                match sys::adopt(fd.as_fd()) {
                    Ok(()) if sys::is_listening(fd.as_fd()) => Ok(fd),
                    Ok(()) => Err(errors::plain("listen", Errno::EINVAL)),
                    Err(e) => Err(errors::plain("listen", e)),
                }
            }
        };
        fd.map(|fd| (fd, None))
    }

    /// Stops accepting; `close` follows on a tick once no connection is left. The
    /// callback gets `ERR_SERVER_NOT_RUNNING` if the server was not listening.
    pub fn close(&self, cb: Option<Callback>) {
        let i = &self.0;
        if let Some(cb) = cb {
            if self.listening() {
                i.emitter.add("close".into(), cb, true, false);
            } else {
                i.st.next_tick(Task::Call(cb, vec![errors::not_running().into()]));
            }
        }
        if self.listening() {
            i.stop();
            let hooks = i.close_hooks.borrow().clone();
            hooks.iter().for_each(|h| h());
        }
        i.emit_close_if_drained();
    }

    pub fn set_ref(&self, refd: bool) {
        self.0.refd.set(refd);
        if let Some(l) = self.0.listener.borrow().as_ref() {
            l.set_ref(refd);
        }
    }
}

impl ServerInner {
    pub fn st(&self) -> &Rc<State> {
        &self.st
    }

    fn rc(&self) -> Rc<ServerInner> {
        self.me.upgrade().expect("a server outlives its own calls")
    }

    fn listening(&self) -> bool {
        self.listener.borrow().as_ref().is_some_and(|l| l.listening())
    }

    fn start(&self, fd: OwnedFd, file: Option<SocketFile>) -> Result<(), Map> {
        let l = Listener::listen(&self.st.io(), fd, file, self.rc()).map_err(|e| errors::plain("listen", e))?;
        l.set_ref(self.refd.get());
        *self.listener.borrow_mut() = Some(l);
        Ok(())
    }

    fn stop(&self) {
        let l = self.listener.borrow_mut().take();
        if let Some(l) = l {
            l.close();
        }
    }

    /// Node's `_emitCloseIfDrained`.
    fn emit_close_if_drained(&self) {
        if self.listening() || self.connections.get() > 0 {
            return;
        }
        let me = self.rc();
        self.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| {
            me.emitter.emit(engine, "close", &[]).map(|_| Dynamic::UNIT)
        })));
    }

    /// One of our accepted sockets was destroyed.
    pub(super) fn connection_closed(&self) {
        self.connections.set(self.connections.get().saturating_sub(1));
        self.emit_close_if_drained();
    }
}

/// The listener's events: `connection` for each accepted socket, `error` when
/// `accept` failed (the server goes on listening).
impl Handler<Runtime> for ServerInner {
    fn event(&self, rt: &Runtime, ev: Event) -> bool {
        match ev {
            Event::Accepted(fd) => {
                let s = Socket::from_fd(&self.st, fd);
                s.set_server(self.rc());
                s.0.allow_half_open.set(self.allow_half_open.get());
                self.connections.set(self.connections.get() + 1);
                rt.emit_settled(&self.emitter, "connection", &[Dynamic::from(s)])
            }
            Event::Error(IoError::Sys { errno, syscall }) => {
                rt.emit_settled(&self.emitter, "error", &[errors::plain(syscall, errno).into()])
            }
            _ => true,
        }
    }
}

impl EventTarget for Server {
    fn emitter(&self) -> &Emitter {
        &self.0.emitter
    }
}
