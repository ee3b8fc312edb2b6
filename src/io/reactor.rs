//! The reactor: the loop's epoll instance (`sys::poll::Poller`, where its system
//! calls are) and the table of OPEN handles, generic over the context `C` its sources
//! are called with (the runtime; a recorder in tests).
//!
//! A handle is *open* from [`Reactor::open`] to [`Reactor::close`], watched or not:
//! the table keeps its source (in practice the binding) alive all that time, as
//! libuv's handle queue keeps `handle->data` reachable, so a paused socket nobody holds
//! is not dropped (bug A). Watching is separate: an empty [`Interest`] is
//! `EPOLL_CTL_DEL` (epoll reports HUP/ERR even for an empty mask, which would spin on a
//! paused, hung-up socket) while the table entry stays.
//!
//! Descriptors that epoll refuses (regular files, `/dev/null`: EPERM) are reported as
//! always ready, which is what a read on them does anyway: it never blocks.
//!
//! A wait that would not block (timeout 0) need not be made when epoll watches
//! nothing but *mirrored* descriptors whose probes say none can be ready
//! ([`Reactor::quiet`], [`Reactor::mirror`]: the signal pipe, whose handler counts
//! what it writes); the loop's poll phase then skips it. A
//! `setImmediate` chain turns the loop once per link, and that system call was the
//! largest cost of a turn (issue 17); libuv skips it too when it watches nothing
//! (`uv__io_poll`, `nfds == 0`). Anything else watched (a socket, a child's pipe,
//! the IPC channel, the fs queue's eventfd, the idle alarm) means the poll is made.
//!
//! All methods take `&self` (interior cells, never borrowed across a call into a
//! source), so the reactor is shared as `Rc<Reactor<C>>` and a source may open, watch
//! or close handles from inside `on_ready`.

use std::cell::{Cell, RefCell};
use std::os::fd::BorrowedFd;
use std::rc::Rc;

use super::spin::Spin;
use crate::event_loop::int_map::IntMap;
use crate::event_loop::{Counts, Hold, Request};
use crate::sys::errno::{Errno, SysResult};
use crate::sys::poll::Poller;
pub use crate::sys::poll::Ready;

/// A handle's key in the table and in epoll's event data.
pub type Token = u64;

/// What a descriptor is watched for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Interest {
    pub read: bool,
    pub write: bool,
}

impl Interest {
    pub const NONE: Interest = Interest { read: false, write: false };
    pub const READ: Interest = Interest { read: true, write: false };

    pub fn is_empty(self) -> bool {
        !self.read && !self.write
    }
}

/// Says whether a mirrored descriptor may be ready ([`Reactor::mirror`]).
pub type Probe = fn() -> bool;

/// What the reactor calls when an open handle's descriptor is ready.
pub trait Source<C: ?Sized> {
    fn on_ready(&self, cx: &C, ready: Ready);
}

/// How an open handle is watched now.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Watched {
    No,
    Epoll,
    /// epoll refused the descriptor (EPERM): reported ready on every wait.
    Always,
}

struct Entry<C: ?Sized> {
    src: Rc<dyn Source<C>>,
    watched: Watched,
    /// Its readiness is mirrored by a probe ([`Reactor::mirror`]).
    mirrored: bool,
    /// What it is watched for (tests read it; one store per change).
    interest: Interest,
}

pub struct Reactor<C: ?Sized> {
    epoll: Poller,
    live: Rc<Counts>,
    next: Cell<Token>,
    /// Open handles by token (small sequential integers: `IntMap`'s one-multiply hash).
    table: RefCell<IntMap<Entry<C>>>,
    /// Tokens of open handles watched as always ready (in the order they were added).
    always: RefCell<Vec<Token>>,
    /// Entries watched by epoll that are not mirrored: while there is one, every wait
    /// asks epoll.
    unmirrored: Cell<usize>,
    /// The probes of mirrored entries: true when the descriptor may be ready.
    probes: RefCell<Vec<(Token, Probe)>>,
    /// Whether and how long a wait polls before it blocks (`io::spin`; off unless set).
    spin: Spin,
    /// The list the last wait returned, given back empty ([`Reactor::recycle`]): a
    /// turn of the loop allocates none.
    spare: Cell<Vec<Ready>>,
}

impl<C: ?Sized> Reactor<C> {
    /// A reactor whose guards count in `live` (the loop's counts).
    pub fn new(live: Rc<Counts>) -> SysResult<Self> {
        Ok(Reactor {
            epoll: Poller::new()?,
            live,
            next: Cell::new(1),
            table: RefCell::new(IntMap::default()),
            always: RefCell::new(Vec::new()),
            unmirrored: Cell::new(0),
            probes: RefCell::new(Vec::new()),
            spin: Spin::default(),
            spare: Cell::new(Vec::new()),
        })
    }

    /// The same reactor with the spinning policy `spin` (the runtime's loop).
    pub fn with_spin(mut self, spin: Spin) -> Self {
        self.spin = spin;
        self
    }

    /// One active, ref'd handle keeping the loop alive.
    pub fn hold(&self) -> Hold {
        self.live.hold()
    }

    /// One request in flight (write, connect, shutdown): alive even when unref'd.
    pub fn request(&self) -> Request {
        self.live.request()
    }

    /// Opens a handle: `src` stays in the table (strongly) until [`Reactor::close`].
    pub fn open(&self, src: Rc<dyn Source<C>>) -> Token {
        let token = self.next.get();
        self.next.set(token + 1);
        self.table
            .borrow_mut()
            .insert(token, Entry { src, watched: Watched::No, mirrored: false, interest: Interest::NONE });
        token
    }

    /// Declares that whether `token`'s descriptor (an open handle) can be ready is
    /// known without a system call: `probe` returns false only when it cannot be (it
    /// must never err that way; it may say true when nothing is there). The reactor
    /// is [`Reactor::quiet`] when every descriptor epoll watches is mirrored and every
    /// probe returns false. The signal pipe's probe is `sys::signal::pending`.
    pub fn mirror(&self, token: Token, probe: Probe) {
        let mut table = self.table.borrow_mut();
        let Some(entry) = table.get_mut(&token) else { return };
        if entry.mirrored {
            return;
        }
        entry.mirrored = true;
        if entry.watched == Watched::Epoll {
            self.unmirrored.set(self.unmirrored.get() - 1);
        }
        self.probes.borrow_mut().push((token, probe));
    }

    /// Whether `token` names an open handle.
    #[cfg(test)]
    pub fn is_open(&self, token: Token) -> bool {
        self.table.borrow().contains_key(&token)
    }

    /// Watches `fd` for `i` under `token` (an open handle); an empty `i` unwatches it
    /// (`EPOLL_CTL_DEL`), the handle stays open. EBADF for a token not open.
    pub fn set_interest(&self, fd: BorrowedFd<'_>, token: Token, i: Interest) -> SysResult<()> {
        let mut table = self.table.borrow_mut();
        let entry = table.get_mut(&token).ok_or(Errno::EBADF)?;
        let now = match (entry.watched, i.is_empty()) {
            (Watched::No, true) => Watched::No,
            (Watched::Always, true) => {
                self.always.borrow_mut().retain(|&t| t != token);
                Watched::No
            }
            (Watched::Always, false) => Watched::Always,
            (Watched::Epoll, true) => {
                // The descriptor may be closed already (then the kernel dropped it).
                let _ = self.epoll.delete(fd);
                Watched::No
            }
            (Watched::Epoll, false) => {
                self.epoll.modify(fd, token, i.read, i.write)?;
                Watched::Epoll
            }
            (Watched::No, false) => match self.epoll.add(fd, token, i.read, i.write) {
                Ok(()) => Watched::Epoll,
                // Already registered under another token (a descriptor handed from
                // one handle to the next without an unwatch): it is this one's now.
                Err(Errno::EEXIST) => {
                    self.epoll.modify(fd, token, i.read, i.write)?;
                    Watched::Epoll
                }
                Err(Errno::EPERM) => {
                    self.always.borrow_mut().push(token);
                    Watched::Always
                }
                Err(e) => return Err(e),
            },
        };
        if !entry.mirrored {
            let count = self.unmirrored.get();
            match (entry.watched == Watched::Epoll, now == Watched::Epoll) {
                (false, true) => self.unmirrored.set(count + 1),
                (true, false) => self.unmirrored.set(count - 1),
                _ => {}
            }
        }
        entry.watched = now;
        entry.interest = i;
        Ok(())
    }

    /// Closes a handle: unwatches `fd` and drops the table entry (and with it the
    /// reactor's reference to the source), outside any borrow of the table.
    pub fn close(&self, fd: BorrowedFd<'_>, token: Token) {
        let _ = self.set_interest(fd, token, Interest::NONE);
        self.close_token(token);
    }

    /// Drops `token`'s table entry when its descriptor was unwatched already (or is
    /// gone: the kernel drops a closed descriptor from epoll by itself).
    pub fn close_token(&self, token: Token) {
        let entry = self.table.borrow_mut().remove(&token);
        if let Some(e) = &entry {
            match e.watched {
                Watched::Always => self.always.borrow_mut().retain(|&t| t != token),
                Watched::Epoll if !e.mirrored => self.unmirrored.set(self.unmirrored.get() - 1),
                _ => {}
            }
            if e.mirrored {
                self.probes.borrow_mut().retain(|&(t, _)| t != token);
            }
        }
        drop(entry);
    }

    /// Waits up to `timeout_ms` (-1: forever; 0 when a descriptor is always ready)
    /// and returns what is ready. EINTR is an empty (or always-ready) turn. Right
    /// after I/O, the spinning policy may poll first (`io::spin`). Where
    /// [`Reactor::quiet`] holds, a wait with timeout 0 need not be made.
    pub fn wait(&self, timeout_ms: i32) -> SysResult<Vec<Ready>> {
        let always = self.always.borrow();
        let timeout = if always.is_empty() { timeout_ms } else { 0 };
        let mut out = self.spare.take();
        out.extend(always.iter().map(|&token| Ready { token, readable: true, writable: true, hangup: false }));
        drop(always);
        if !self.spin.enabled() || timeout == 0 {
            self.epoll.wait(timeout, &mut out)?;
            return Ok(out);
        }
        if let Some(budget) = self.spin.budget(timeout) {
            let start = std::time::Instant::now();
            loop {
                self.epoll.wait(0, &mut out)?;
                if !out.is_empty() {
                    self.spin.spun(true);
                    return Ok(out);
                }
                if start.elapsed().as_nanos() as u64 >= budget {
                    break;
                }
                std::hint::spin_loop();
            }
            self.spin.spun(false);
        }
        let blocked = std::time::Instant::now();
        self.epoll.wait(timeout, &mut out)?;
        self.spin.waited(!out.is_empty(), blocked.elapsed().as_nanos() as u64);
        Ok(out)
    }

    /// Nothing watched can be ready: no descriptor is always ready, every one epoll
    /// watches is mirrored, and no probe says its descriptor may be ready. A poll that
    /// would not block (timeout 0) would report nothing, so the loop skips it
    /// (`runtime::run`'s poll phase).
    pub fn quiet(&self) -> bool {
        self.unmirrored.get() == 0
            && self.always.borrow().is_empty()
            && !self.probes.borrow().iter().any(|&(_, probe)| probe())
    }

    /// Gives back the list a wait returned, once its reports were dispatched: the
    /// next wait fills it again instead of allocating one.
    pub fn recycle(&self, mut list: Vec<Ready>) {
        list.clear();
        let spare = self.spare.take();
        self.spare.set(if spare.capacity() >= list.capacity() { spare } else { list });
    }

    /// Calls the source of `ready.token`, if that handle is still open (an earlier
    /// source of the same wait may have closed it).
    pub fn dispatch(&self, cx: &C, ready: Ready) {
        let src = self.table.borrow().get(&ready.token).map(|e| e.src.clone());
        if let Some(src) = src {
            src.on_ready(cx, ready);
        }
    }

    /// Open handles (tests and leak checks).
    #[cfg(test)]
    pub fn open_count(&self) -> usize {
        self.table.borrow().len()
    }

    /// What each open, watched handle is watched for (tests).
    #[cfg(test)]
    pub fn watched(&self) -> Vec<Interest> {
        self.table.borrow().values().filter(|e| e.watched != Watched::No).map(|e| e.interest).collect()
    }
}

#[cfg(test)]
#[path = "reactor_tests.rs"]
mod tests;
