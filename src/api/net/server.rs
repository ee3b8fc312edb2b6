//! `net.Server` (and `http.Server`, the same object with an HTTP `connection`
//! listener): listening on TCP, a Unix path, or a descriptor from elsewhere,
//! accepting, `close` once the last connection is gone.
//!
//! Like Node, `listen()` binds synchronously (`listening` is true when it returns)
//! and reports `listening` or `error` on a tick; `close` is emitted on a tick too,
//! not in the close phase. A listening ref'd server keeps the process alive.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::os::fd::{IntoRawFd, OwnedFd, RawFd};
use std::path::PathBuf;
use std::rc::{Rc, Weak};

use rhai::{Dynamic, Engine, Map};

use super::errors;
use super::socket::Socket;
use crate::api::events::EventTarget;
use crate::event_loop::Ready;
use crate::net::Endpoint;
use crate::net::sys;
use crate::runtime::callback::Callback;
use crate::runtime::emitter::Emitter;
use crate::runtime::{Runtime, Source, State, Task};

/// Connections accepted per readiness report, so a flood cannot starve the loop.
const ACCEPTS_PER_WAKE: usize = 64;
/// How long to stop accepting when out of descriptors.
const BACK_OFF_MS: u64 = 100;

pub struct ServerInner {
    st: Rc<State>,
    me: Weak<ServerInner>,
    emitter: Emitter,
    fd: Cell<RawFd>,
    token: Cell<Option<u64>>,
    refd: Cell<bool>,
    /// Holds the loop while active and ref'd.
    hold: Cell<Option<crate::event_loop::Hold>>,
    /// A Unix socket path we bound: removed at close, as libuv does.
    bound_path: RefCell<Option<PathBuf>>,
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
            fd: Cell::new(-1),
            token: Cell::new(None),
            refd: Cell::new(true),
            hold: Cell::new(None),
            bound_path: RefCell::new(None),
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
        self.0.fd.get() >= 0
    }

    /// The listening descriptor (for handle passing).
    pub fn raw_fd(&self) -> Option<RawFd> {
        let fd = self.0.fd.get();
        (fd >= 0).then_some(fd)
    }

    pub fn address(&self) -> Option<Endpoint> {
        self.raw_fd().and_then(sys::local)
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
        let r = bind.and_then(|bind| self.bind(bind, backlog));
        let me = self.0.clone();
        match r {
            Ok(fd) => {
                self.0.start(fd);
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

    fn bind(&self, bind: Bind, backlog: i32) -> Result<OwnedFd, Map> {
        match bind {
            Bind::Tcp { at, ipv6_only } => {
                sys::listen_tcp(at, backlog, ipv6_only).map_err(|e| errors::listen("listen", e, &Endpoint::Tcp(at)))
            }
            Bind::AnyHost { port } => sys::listen_tcp(([0u16; 8], port).into(), backlog, false)
                .or_else(|e| match e {
                    libc::EAFNOSUPPORT | libc::EADDRNOTAVAIL => {
                        sys::listen_tcp(([0u8; 4], port).into(), backlog, false)
                    }
                    e => Err(e),
                })
                .map_err(|e| errors::listen("listen", e, &Endpoint::Tcp(([0u16; 8], port).into()))),
            Bind::Unix(path, mode) => match sys::listen_unix(&path, backlog, mode) {
                Ok(fd) => {
                    *self.0.bound_path.borrow_mut() = Some(path);
                    Ok(fd)
                }
                Err(e) => Err(errors::listen("listen", e, &Endpoint::Unix(path))),
            },
            Bind::Fd(fd) => {
                use std::os::fd::AsRawFd;
                match sys::adopt(fd.as_raw_fd()) {
                    Ok(()) if sys::is_listening(fd.as_raw_fd()) => Ok(fd),
                    Ok(()) => Err(errors::plain("listen", libc::EINVAL)),
                    Err(e) => Err(errors::plain("listen", e)),
                }
            }
        }
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
        self.0.update_hold();
    }
}

impl ServerInner {
    pub fn st(&self) -> &Rc<State> {
        &self.st
    }

    fn rc(&self) -> Rc<ServerInner> {
        self.me.upgrade().expect("a server outlives its own calls")
    }

    fn start(&self, fd: OwnedFd) {
        let raw = fd.into_raw_fd();
        self.fd.set(raw);
        match self.st.watch(raw, self.rc(), true, false) {
            Ok(t) => self.token.set(Some(t)),
            Err(_) => {
                self.fd.set(-1);
                let _ = nix::unistd::close(raw);
                return;
            }
        }
        self.update_hold();
    }

    fn stop(&self) {
        let fd = self.fd.replace(-1);
        if let Some(t) = self.token.take() {
            self.st.unwatch(fd, t);
        }
        if fd >= 0 {
            let _ = nix::unistd::close(fd);
        }
        if let Some(path) = self.bound_path.borrow_mut().take() {
            let _ = std::fs::remove_file(path);
        }
        self.update_hold();
    }

    fn update_hold(&self) {
        let hold = self.fd.get() >= 0 && self.refd.get();
        self.st.set_hold(&self.hold, hold);
    }

    /// Node's `_emitCloseIfDrained`.
    fn emit_close_if_drained(&self) {
        if self.fd.get() >= 0 || self.connections.get() > 0 {
            return;
        }
        let me = self.rc();
        self.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| {
            me.emitter.emit(engine, "close", &[]).map(|_| Dynamic::UNIT)
        })));
    }

    /// Out of descriptors: the pending connection stays in the kernel's queue and the
    /// listening socket stays readable, so stop watching it for a while instead of
    /// spinning (libuv keeps a spare descriptor for this; we retry after a pause).
    fn back_off(&self, rt: &Runtime) {
        let fd = self.fd.get();
        let Some(t) = self.token.take() else { return };
        self.st.unwatch(fd, t);
        let me = self.rc();
        let mut lp = rt.st.lp.borrow_mut();
        let now = lp.now();
        let id = lp.timers.start(
            BACK_OFF_MS,
            now,
            false,
            Task::Native(Rc::new(move |_: &Engine| {
                let fd = me.fd.get();
                if fd >= 0
                    && me.token.get().is_none()
                    && let Ok(t) = me.st.watch(fd, me.clone(), true, false)
                {
                    me.token.set(Some(t));
                }
                Ok(Dynamic::UNIT)
            })),
        );
        // The server itself keeps the process alive while it listens.
        lp.timers.set_ref(id, false);
    }

    /// One of our accepted sockets was destroyed.
    pub(super) fn connection_closed(&self) {
        self.connections.set(self.connections.get().saturating_sub(1));
        self.emit_close_if_drained();
    }
}

impl Drop for ServerInner {
    fn drop(&mut self) {
        let fd = self.fd.get();
        if fd >= 0 {
            let _ = nix::unistd::close(fd);
        }
    }
}

impl Source for ServerInner {
    fn on_ready(&self, rt: &Runtime, _ready: Ready) {
        for _ in 0..ACCEPTS_PER_WAKE {
            let fd = self.fd.get();
            if fd < 0 {
                return;
            }
            match sys::accept(fd) {
                Ok(Some(conn)) => {
                    let s = Socket::from_fd(&self.st, conn);
                    s.set_server(self.rc());
                    s.0.allow_half_open.set(self.allow_half_open.get());
                    self.connections.set(self.connections.get() + 1);
                    rt.emit_macrotask(&self.emitter, "connection", &[Dynamic::from(s)]);
                }
                Ok(None) => return,
                Err(errno) => {
                    if matches!(errno, libc::EMFILE | libc::ENFILE | libc::ENOBUFS | libc::ENOMEM) {
                        self.back_off(rt);
                    }
                    rt.emit_macrotask(&self.emitter, "error", &[errors::plain("accept", errno).into()]);
                    return;
                }
            }
        }
    }
}

impl EventTarget for Server {
    fn emitter(&self) -> &Emitter {
        &self.0.emitter
    }
}
