//! The exit-flush service: what every writer still has queued when the process ends
//! is written by one poll loop over all of them, under one deadline rule.
//!
//! Writers register once (weakly: registering keeps nothing alive); at exit the ones
//! with output left are driven together. Meanwhile each peer's input is read and
//! dropped (nobody is left to take it): two processes that both have a full socket
//! buffer queued and exit at the same moment would otherwise each wait for the other
//! to read, forever. A peer that takes none of our bytes for the rule's idle time is
//! given up on, with one warning naming what it did not get; a peer that closed is
//! dropped quietly (what it did not read, it did not want; Node drops it too).

use std::cell::{Cell, RefCell};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::rc::{Rc, Weak};
use std::time::{Duration, Instant};

use super::deadline::{self, Clock, Rule};
use crate::sys::errno::{Errno, SysResult};
use crate::sys::{fd as sysfd, poll as sys_poll, socket};

/// What a writer still has queued.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backlog {
    /// Messages (or writes) not completely written; a partly written one counts.
    pub items: usize,
    pub bytes: usize,
    /// What one item is called in the warning ("message", "write").
    pub unit: &'static str,
}

/// A writer whose queued output must reach its peer before the process ends.
pub trait Pending {
    /// Lends `f` the descriptor to poll while output is queued; does not call it when
    /// there is nothing (left) to write, or the writer is closed or broken.
    fn flush_fd(&self, f: &mut dyn FnMut(BorrowedFd<'_>));
    /// Writes what the descriptor takes now (never blocks): the bytes written, or an
    /// error when the peer can take nothing more (gone, reset).
    fn write_now(&self) -> SysResult<usize>;
    fn backlog(&self) -> Backlog;
    /// Who the output is for, as the warning names it ("the IPC channel to the parent").
    fn peer(&self) -> String;
}

/// The process's registry of writers.
#[derive(Default)]
pub struct ExitFlush {
    writers: RefCell<Vec<Weak<dyn Pending>>>,
    /// Live writers at the last clean-up: the list is cleaned when it doubles, so a
    /// server that opens and drops a million sockets keeps it small.
    kept: Cell<usize>,
}

impl ExitFlush {
    pub fn register(&self, writer: Weak<dyn Pending>) {
        let mut ws = self.writers.borrow_mut();
        if ws.len() >= 2 * self.kept.get().max(32) {
            ws.retain(|w| w.strong_count() > 0);
            self.kept.set(ws.len());
        }
        ws.push(writer);
    }

    /// At exit: writes what every live writer has queued (see the module doc), calling
    /// `warn` with one line for each peer given up on. Returns when all is written or
    /// given up on; the registry is empty afterwards.
    pub fn run(&self, rule: Rule, warn: &mut dyn FnMut(&str)) {
        let writers: Vec<Rc<dyn Pending>> =
            std::mem::take(&mut *self.writers.borrow_mut()).iter().filter_map(Weak::upgrade).collect();
        drive(writers, rule, warn);
    }
}

struct Entry {
    w: Rc<dyn Pending>,
    /// A duplicate of the writer's descriptor, polled and read from (the writer
    /// keeps its own for writing); closed when the entry is dropped.
    fd: OwnedFd,
    clock: Clock,
    /// The peer's input has not reached its EOF yet.
    reading: bool,
    /// The poller reported a hang-up or an error: a write that does not finish now
    /// never will.
    hung_up: bool,
}

/// Reads per descriptor per round, so one chatty peer cannot starve the others.
const READS_PER_ROUND: usize = 16;

/// The poll loop behind [`ExitFlush::run`].
fn drive(writers: Vec<Rc<dyn Pending>>, rule: Rule, warn: &mut dyn FnMut(&str)) {
    let now = Instant::now();
    let mut live: Vec<Entry> = writers
        .into_iter()
        .filter_map(|w| {
            let mut dup = None;
            w.flush_fd(&mut |fd| dup = sysfd::dup_cloexec(fd).ok());
            Some(Entry { w, fd: dup?, clock: Clock::start(now), reading: true, hung_up: false })
        })
        .collect();
    let mut scratch = vec![0u8; 64 * 1024];
    loop {
        let now = Instant::now();
        live.retain_mut(|e| {
            match e.w.write_now() {
                Ok(0) => {}
                Ok(_) => e.clock.progress(now),
                Err(_) => return false,
            }
            if !has_output(&*e.w) || e.hung_up {
                // Read what the peer sent meanwhile before leaving: a Unix socket
                // closed with unread input makes the peer's read fail (ECONNRESET)
                // after the data, although everything was delivered.
                if e.reading {
                    discard_input(e.fd.as_fd(), &mut scratch);
                }
                return false;
            }
            if e.clock.expired(rule, now) {
                warn(&give_up_line(&*e.w, rule));
                return false;
            }
            true
        });
        let Some(wait) = live.iter().map(|e| e.clock.left(rule, now)).min() else { return };
        let revents = {
            let fds: Vec<(BorrowedFd, bool)> = live.iter().map(|e| (e.fd.as_fd(), e.reading)).collect();
            match sys_poll::poll_once(&fds, millis(wait)) {
                Ok(revents) => revents,
                Err(Errno::EINTR) => continue,
                Err(_) => {
                    // The poll itself failed (out of memory): waiting is impossible,
                    // so give everyone up now rather than spin.
                    for e in &live {
                        warn(&give_up_line(&*e.w, rule));
                    }
                    return;
                }
            }
        };
        for (e, r) in live.iter_mut().zip(revents) {
            if e.reading && (r.readable || r.gone) {
                e.reading = discard_input(e.fd.as_fd(), &mut scratch);
            }
            if r.gone && !r.writable {
                e.hung_up = true;
            }
        }
    }
}

/// The writer still has output queued and an open descriptor to write it on.
fn has_output(w: &dyn Pending) -> bool {
    let mut open = false;
    w.flush_fd(&mut |_| open = true);
    open
}

fn give_up_line(w: &dyn Pending, rule: Rule) -> String {
    let b = w.backlog();
    format!(
        "procbox: gave up delivering {} to {}: the peer read nothing for {} ms\n",
        deadline::amount(b.items, b.unit, b.bytes),
        w.peer(),
        rule.idle.as_millis()
    )
}

/// Reads and drops what the peer sent (descriptors that came along are closed).
/// False once its input is over (EOF or an error).
fn discard_input(fd: BorrowedFd<'_>, buf: &mut [u8]) -> bool {
    for _ in 0..READS_PER_ROUND {
        let mut fds = Vec::new();
        match socket::recvmsg(fd, buf, &mut fds) {
            Ok(0) => return false,
            Ok(n) if n < buf.len() => return true,
            Ok(_) => {}
            Err(Errno::EAGAIN) => return true,
            Err(Errno::EINTR) => {}
            // ENOTSOCK (a pipe): read(2) would do, but no writer here is a pipe yet.
            Err(_) => return false,
        }
    }
    true
}

/// A poll timeout in whole milliseconds, rounded up so the deadline has passed when
/// the poll returns for it.
fn millis(d: Duration) -> i32 {
    d.as_micros().div_ceil(1000).min(i32::MAX as u128) as i32
}

#[cfg(test)]
#[path = "flush_tests.rs"]
mod tests;
