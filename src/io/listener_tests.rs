//! `Listener` on real sockets, with a recording host: which descriptors it watches,
//! how many holds are out, the back-off timers and at-exit hooks (run by the test).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::os::fd::{OwnedFd, RawFd};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::rc::Rc;

use super::{ACCEPTS_PER_WAKE, Accept, BACK_OFF_MS, ListenHost, Listener, SocketFile};
use crate::event_loop::{Counts, Hold};
use crate::net::sys;
use crate::sys::errno::Errno;

/// A pending back-off timer: its delay and what it runs.
type Timer = (u64, Box<dyn FnOnce()>);

#[derive(Default)]
struct Host {
    watched: RefCell<HashMap<u64, Rc<Listener<()>>>>,
    next: Cell<u64>,
    holds: Rc<Counts>,
    timers: RefCell<Vec<Timer>>,
    exits: RefCell<Vec<Box<dyn Fn()>>>,
}

impl ListenHost<()> for Host {
    fn watch(&self, _fd: RawFd, l: Rc<Listener<()>>) -> std::io::Result<u64> {
        let t = self.next.get() + 1;
        self.next.set(t);
        self.watched.borrow_mut().insert(t, l);
        Ok(t)
    }
    fn unwatch(&self, _fd: RawFd, token: u64) {
        assert!(self.watched.borrow_mut().remove(&token).is_some(), "unwatch of an unknown token");
    }
    fn hold(&self) -> Hold {
        self.holds.hold()
    }
    fn after(&self, ms: u64, f: Box<dyn FnOnce()>) {
        self.timers.borrow_mut().push((ms, f));
    }
    fn at_exit(&self, f: Box<dyn Fn()>) {
        self.exits.borrow_mut().push(f);
    }
}

impl Host {
    fn watching(&self) -> usize {
        self.watched.borrow().len()
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

/// Records what the listener hands over; can close it from inside `accepted`.
#[derive(Default)]
struct Binding {
    accepted: RefCell<Vec<OwnedFd>>,
    failed: RefCell<Vec<Errno>>,
    close_after: Cell<Option<usize>>,
    listener: RefCell<Option<Rc<Listener<()>>>>,
}

impl Accept<()> for Binding {
    fn accepted(&self, _cx: &(), fd: OwnedFd) {
        self.accepted.borrow_mut().push(fd);
        if self.close_after.get() == Some(self.accepted.borrow().len()) {
            let l = self.listener.borrow().clone();
            l.expect("listener set").close();
        }
    }
    fn accept_failed(&self, _cx: &(), errno: Errno) {
        self.failed.borrow_mut().push(errno);
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
    let l = Listener::listen(host.clone(), fd, Some(SocketFile::new(path.clone())), b.clone()).expect("watch");
    *b.listener.borrow_mut() = Some(l.clone());
    (host, b, l, path)
}

#[test]
fn accepts_one_batch_per_wake() {
    let (host, b, l, path) = start("batch");
    let clients: Vec<UnixStream> =
        (0..ACCEPTS_PER_WAKE + 6).map(|_| UnixStream::connect(&path).expect("connect")).collect();
    l.on_ready(&());
    assert_eq!(b.accepted.borrow().len(), ACCEPTS_PER_WAKE);
    l.on_ready(&());
    assert_eq!(b.accepted.borrow().len(), ACCEPTS_PER_WAKE + 6);
    // Nothing waits: a wake-up accepts nothing and reports nothing.
    l.on_ready(&());
    assert_eq!(b.accepted.borrow().len(), clients.len());
    assert!(b.failed.borrow().is_empty());
    assert_eq!(host.watching(), 1);
    l.close();
}

#[test]
fn closing_from_a_connection_stops_the_batch() {
    let (host, b, l, path) = start("close-in-batch");
    let _clients: Vec<UnixStream> = (0..5).map(|_| UnixStream::connect(&path).expect("connect")).collect();
    b.close_after.set(Some(2));
    l.on_ready(&());
    assert_eq!(b.accepted.borrow().len(), 2);
    assert!(!l.listening());
    assert_eq!(host.watching(), 0);
    assert!(!path.exists(), "close unlinks the socket file");
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
    drop(b.listener.borrow_mut().take());
    let weak = Rc::downgrade(&l);
    drop(l);
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
    assert_eq!(host.watching(), 0);
}

#[test]
fn tcp_listener_has_no_socket_file() {
    let fd = sys::listen_tcp(([127, 0, 0, 1], 0).into(), 16, false).expect("listen");
    let host = Rc::new(Host::default());
    let b = Rc::new(Binding::default());
    let l = Listener::listen(host.clone(), fd, None, b.clone()).expect("watch");
    assert!(host.exits.borrow().is_empty());
    let Some(crate::net::Endpoint::Tcp(at)) = l.raw_fd().and_then(sys::local) else { panic!("no address") };
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
    let mut lim = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: `lim` is a valid rlimit for the kernel to fill.
    assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) }, 0);
    let highest = std::fs::read_dir("/proc/self/fd").expect("fd list").count() as u64 + 64;
    lim.rlim_cur = highest.min(lim.rlim_max);
    // SAFETY: as above; only the soft limit changes, within the hard one.
    assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) }, 0);
    let devnull = std::fs::File::open("/dev/null").expect("/dev/null");
    let mut fillers = Vec::new();
    while let Ok(fd) = devnull.try_clone() {
        fillers.push(fd);
    }
    l.on_ready(&());
    assert_eq!(*b.failed.borrow(), vec![Errno::EMFILE]);
    assert!(b.accepted.borrow().is_empty());
    assert_eq!(host.watching(), 0, "backed off: not watched");
    assert_eq!(host.holds.handles(), 1, "a listener in back-off still keeps the loop alive");
    // The timer holds a Weak: only the binding's cycle keeps the listener.
    assert_eq!(Rc::strong_count(&l), 2);
    drop(fillers.pop());
    assert_eq!(host.fire_timers(), vec![BACK_OFF_MS]);
    assert_eq!(host.watching(), 1, "watched again after the pause");
    l.on_ready(&());
    assert_eq!(b.accepted.borrow().len(), 1);
    // A back-off whose listener closed meanwhile watches nothing.
    drop(fillers);
    let _c2 = UnixStream::connect(&path).expect("connect");
    l.back_off();
    l.close();
    host.fire_timers();
    assert_eq!(host.watching(), 0);
    println!("emfile child: ok");
}
