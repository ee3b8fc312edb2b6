//! `Listener` on real sockets and a real reactor, with a recording host: the back-off
//! timers and at-exit hooks (run by the test), and what follows each event delivered
//! at once; watching and holds are the reactor's.

use std::cell::{Cell, RefCell};
use std::os::fd::OwnedFd;
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::rc::{Rc, Weak};

use super::{BACK_OFF_MS, Listener, SocketFile};
use crate::event_loop::Counts;
use crate::io::events::{self, Event, Handler, Io, IoError, When};
use crate::io::flush::Pending;
use crate::io::reactor::Reactor;
use crate::net::sys;
use crate::sys::errno::Errno;

/// A pending back-off timer: its delay and what it runs.
type Timer = (u64, Box<dyn FnOnce()>);

/// The recording host, and the reactor the listener's handle lives in.
struct Host {
    reactor: Rc<Reactor<()>>,
    holds: Rc<Counts>,
    timers: RefCell<Vec<Timer>>,
    exits: RefCell<Vec<Box<dyn Fn()>>>,
    /// What each `after_event` was told (whether the handler's script threw).
    after_events: RefCell<Vec<bool>>,
}

impl Default for Host {
    fn default() -> Self {
        let holds = Rc::new(Counts::default());
        let reactor = Rc::new(Reactor::new(holds.clone()).expect("epoll"));
        Host { reactor, holds, timers: RefCell::default(), exits: RefCell::default(), after_events: RefCell::default() }
    }
}

impl events::Host<()> for Host {
    fn post(&self, _when: When, _to: Rc<dyn Handler<()>>, _ev: Event) {
        unreachable!("a listener delivers at once");
    }
    fn after_event(&self, _cx: &(), ok: bool) {
        self.after_events.borrow_mut().push(ok);
    }
    fn flush_at_exit(&self, _w: Weak<dyn Pending>) {
        unreachable!("a listener writes nothing");
    }
    fn after(&self, ms: u64, f: Box<dyn FnOnce()>) {
        self.timers.borrow_mut().push((ms, f));
    }
    fn at_exit(&self, f: Box<dyn Fn()>) {
        self.exits.borrow_mut().push(f);
    }
}

impl Host {
    /// Handles open in the reactor (a listener in back-off is open, not watched).
    fn open(&self) -> usize {
        self.reactor.open_count()
    }
    /// Fires the pending back-off timers; returns their delays.
    fn fire_timers(&self) -> Vec<u64> {
        let due = std::mem::take(&mut *self.timers.borrow_mut());
        due.into_iter()
            .map(|(ms, f)| {
                f();
                ms
            })
            .collect()
    }
}

/// Whether `l` is watched for reading now.
fn watching(l: &Listener<()>) -> bool {
    l.handle.borrow().as_ref().is_some_and(|h| !h.interest().is_empty())
}

fn listen(host: &Rc<Host>, fd: OwnedFd, file: Option<SocketFile>, b: &Rc<Binding>) -> Rc<Listener<()>> {
    let io = Io { reactor: host.reactor.clone(), host: host.clone() };
    Listener::listen(&io, fd, file, b.clone()).expect("watch")
}

/// Records what the listener hands over; can close it from inside `accepted`.
#[derive(Default)]
struct Binding {
    accepted: RefCell<Vec<OwnedFd>>,
    failed: RefCell<Vec<Errno>>,
    close_after: Cell<Option<usize>>,
    listener: RefCell<Option<Rc<Listener<()>>>>,
}

impl Handler<()> for Binding {
    fn event(&self, _cx: &(), ev: Event) -> bool {
        match ev {
            Event::Accepted(fd) => {
                self.accepted.borrow_mut().push(fd);
                if self.close_after.get() == Some(self.accepted.borrow().len()) {
                    let l = self.listener.borrow().clone();
                    l.expect("listener set").close();
                }
            }
            Event::Error(IoError::Sys { errno, syscall: "accept" }) => self.failed.borrow_mut().push(errno),
            ev => panic!("a listener sent {ev:?}"),
        }
        true
    }
}

fn temp_path(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("procbox-listener-{}-{name}.sock", std::process::id()))
}

fn unix_listener(name: &str) -> (PathBuf, OwnedFd) {
    let path = temp_path(name);
    let _ = std::fs::remove_file(&path);
    let fd = sys::listen_unix(&path, sys::BACKLOG, sys::SOCKET_MODE).expect("listen");
    (path, fd)
}

fn start(name: &str) -> (Rc<Host>, Rc<Binding>, Rc<Listener<()>>, PathBuf) {
    let (path, fd) = unix_listener(name);
    let host = Rc::new(Host::default());
    let b = Rc::new(Binding::default());
    let l = listen(&host, fd, Some(SocketFile::new(path.clone())), &b);
    *b.listener.borrow_mut() = Some(l.clone());
    (host, b, l, path)
}

/// Drops the test's references to the listener (the binding's and `l`); the `Weak`
/// shows whether anything else (the reactor's table, a hook) still keeps it.
fn let_go(b: &Binding, l: Rc<Listener<()>>) -> Weak<Listener<()>> {
    drop(b.listener.borrow_mut().take());
    let weak = Rc::downgrade(&l);
    drop(l);
    weak
}

#[test]
fn accepts_one_connection_per_wake() {
    let (host, b, l, path) = start("one");
    let clients: Vec<UnixStream> = (0..3).map(|_| UnixStream::connect(&path).expect("connect")).collect();
    for n in 1..=clients.len() {
        l.on_ready(&());
        assert_eq!(b.accepted.borrow().len(), n, "one per readiness report, as libuv's uv__server_io");
    }
    // Nothing waits: a wake-up accepts nothing and reports nothing.
    l.on_ready(&());
    assert_eq!(b.accepted.borrow().len(), clients.len());
    assert!(b.failed.borrow().is_empty());
    assert_eq!(
        *host.after_events.borrow(),
        vec![true; 3],
        "the host's after_event follows each event, not a wake with none"
    );
    assert!(watching(&l) && host.open() == 1);
    l.close();
}

#[test]
fn closing_from_a_connection_frees_the_binding() {
    let (host, b, l, path) = start("close-in-connection");
    let _clients: Vec<UnixStream> = (0..2).map(|_| UnixStream::connect(&path).expect("connect")).collect();
    b.close_after.set(Some(1));
    l.on_ready(&());
    assert_eq!(b.accepted.borrow().len(), 1);
    assert!(!l.listening());
    assert_eq!(host.open(), 0, "closed: out of the reactor's table");
    assert!(!path.exists(), "close unlinks the socket file");
    // A late report (the second connection) finds the listener closed.
    l.on_ready(&());
    assert_eq!(b.accepted.borrow().len(), 1);
    // The listener let its binding go.
    assert_eq!(Rc::strong_count(&b), 1);
}

#[test]
fn holds_the_loop_while_open_and_refd() {
    let (host, _b, l, _path) = start("ref");
    assert_eq!(host.holds.handles(), 1);
    l.set_ref(false);
    assert_eq!(host.holds.handles(), 0);
    l.set_ref(false);
    assert_eq!(host.holds.handles(), 0);
    l.set_ref(true);
    assert_eq!(host.holds.handles(), 1);
    l.close();
    assert_eq!(host.holds.handles(), 0);
    // ref after close: nothing to hold.
    l.set_ref(true);
    assert_eq!(host.holds.handles(), 0);
    l.close();
}

#[test]
fn socket_file_unlinked_at_exit_while_listening() {
    let (host, _b, l, path) = start("exit");
    assert!(path.exists());
    for hook in host.exits.borrow().iter() {
        hook();
    }
    assert!(!path.exists(), "the at-exit hook unlinks the file of an open listener");
    assert!(l.listening(), "exit hooks unlink, they do not close");
    l.close();
}

#[test]
fn at_exit_hook_is_weak_and_idle_after_close() {
    let (host, b, l, path) = start("exit-after-close");
    l.close();
    assert!(!path.exists());
    // Someone else binds the path now: our hook must not remove their file.
    let (_, _other) = unix_listener("exit-after-close");
    let weak = let_go(&b, l);
    assert!(weak.upgrade().is_none(), "neither the host nor the hook keeps a closed listener");
    for hook in host.exits.borrow().iter() {
        hook();
    }
    assert!(path.exists());
    let _ = std::fs::remove_file(&path);
}

#[test]
fn an_open_listener_keeps_its_binding() {
    let (host, b, l, _path) = start("owns");
    drop(b.listener.borrow_mut().take());
    let wb = Rc::downgrade(&b);
    drop(b);
    assert!(wb.upgrade().is_some(), "an open listener owns its binding");
    l.close();
    assert!(wb.upgrade().is_none());
    assert_eq!(host.open(), 0);
}

#[test]
fn tcp_listener_has_no_socket_file() {
    let fd = sys::listen_tcp(([127, 0, 0, 1], 0).into(), 16, false).expect("listen");
    let host = Rc::new(Host::default());
    let b = Rc::new(Binding::default());
    let l = listen(&host, fd, None, &b);
    assert!(host.exits.borrow().is_empty());
    let Some(crate::net::Endpoint::Tcp(at)) = l.local() else { panic!("no address") };
    let _c = std::net::TcpStream::connect(at).expect("connect");
    l.on_ready(&());
    assert_eq!(b.accepted.borrow().len(), 1);
    l.close();
}

/// Set in the child process of `backs_off_when_out_of_descriptors`.
const EMFILE_CHILD: &str = "PROCBOX_LISTENER_EMFILE_CHILD";

/// Out of descriptors, in a child process of its own (the limit is per process and
/// the other tests run in threads beside this one): `accept` fails with EMFILE, the
/// listener reports it and unwatches; the back-off timer (a `Weak`) watches again,
/// and the waiting connection is accepted once a descriptor is free.
#[test]
fn backs_off_when_out_of_descriptors() {
    if crate::sys::environ::get(EMFILE_CHILD).is_some() {
        return emfile_in_this_process();
    }
    let exe = std::env::current_exe().expect("test binary");
    let out = std::process::Command::new(exe)
        .args(["--exact", "io::listener::tests::backs_off_when_out_of_descriptors", "--test-threads=1", "--nocapture"])
        .env(EMFILE_CHILD, "1")
        .output()
        .expect("run the child");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "child failed:\n{text}");
    assert!(text.contains("emfile child: ok"), "the child did not run the check:\n{text}");
}

fn emfile_in_this_process() {
    let (host, b, l, path) = start("emfile");
    let _client = UnixStream::connect(&path).expect("connect");
    // Lower the soft limit to just above what is open, then take every free slot.
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    let (_, hard) = getrlimit(Resource::RLIMIT_NOFILE).expect("getrlimit");
    let highest = std::fs::read_dir("/proc/self/fd").expect("fd list").count() as u64 + 64;
    // Only the soft limit changes, within the hard one.
    setrlimit(Resource::RLIMIT_NOFILE, highest.min(hard), hard).expect("setrlimit");
    let devnull = std::fs::File::open("/dev/null").expect("/dev/null");
    let mut fillers = Vec::new();
    while let Ok(fd) = devnull.try_clone() {
        fillers.push(fd);
    }
    l.on_ready(&());
    assert_eq!(*b.failed.borrow(), vec![Errno::EMFILE]);
    assert!(b.accepted.borrow().is_empty());
    assert_eq!(*host.after_events.borrow(), vec![true], "a failed accept is an event like a connection");
    assert!(!watching(&l) && host.open() == 1, "backed off: open, not watched");
    assert_eq!(host.holds.handles(), 1, "a listener in back-off still keeps the loop alive");
    // The timer holds a Weak: only the reactor's table (open handle) and the
    // binding's cycle keep the listener.
    assert_eq!(Rc::strong_count(&l), 3);
    drop(fillers.pop());
    assert_eq!(host.fire_timers(), vec![BACK_OFF_MS]);
    assert!(watching(&l), "watched again after the pause");
    l.on_ready(&());
    assert_eq!(b.accepted.borrow().len(), 1);
    // A back-off whose listener closed meanwhile watches nothing.
    drop(fillers);
    let _c2 = UnixStream::connect(&path).expect("connect");
    l.back_off();
    l.close();
    host.fire_timers();
    assert_eq!(host.open(), 0);
    assert!(!watching(&l));
    println!("emfile child: ok");
}

#[test]
fn the_reactor_dispatches_and_keeps_an_open_listener() {
    let (host, b, l, path) = start("reactor");
    let weak = let_go(&b, l);
    // Nobody but the reactor's table (and the at-exit hook's Weak) knows the listener.
    let _c = UnixStream::connect(&path).expect("connect");
    for ready in host.reactor.wait(1000).expect("wait") {
        host.reactor.dispatch(&(), ready);
    }
    assert_eq!(b.accepted.borrow().len(), 1, "an open listener nobody holds still accepts");
    let l = weak.upgrade().expect("kept by the table while open");
    l.close();
    drop(l);
    assert!(weak.upgrade().is_none(), "closing let it go");
    assert!(!path.exists());
}
