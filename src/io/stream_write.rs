//! A stream's write side: the queue, flushing what the kernel takes, completions (on
//! ticks, or at once from a readiness report), backpressure (`write` says false,
//! `Drain` follows), the half-close (`end`: `Finish` once everything is out), the
//! fork channel's passed descriptors, ACK gate, corking and broken write side, and
//! the exit flush (`io::flush::Pending`).

use std::io::IoSlice;
use std::os::fd::{BorrowedFd, OwnedFd};
use std::rc::Rc;

use super::events::{Event, IoError, When};
use super::flush::{Backlog, Pending};
use super::stream::{DrainAt, Kind, Phase, Stream};
use super::write_queue::GATHER_MAX;
use crate::sys::errno::{Errno, SysResult};
use crate::sys::{fd as sysfd, socket};

/// A corked stream still writes once this many bytes were queued since its last
/// write: enough that a macrotask's few sends stay one system call, small enough
/// that a burst's reader starts at once (the kernel holds about 200 KiB of a
/// socketpair's data).
pub const CORKED_BATCH: usize = 32 * 1024;

impl<C: ?Sized + 'static> Stream<C> {
    /// Queues `bytes`; `Written { id }` follows on a tick once they are out. False
    /// when the caller should wait for `Drain`. In blocking-writes mode, written now
    /// ([`Stream::write_through`]); false when that failed.
    pub fn write(&self, bytes: Vec<u8>, id: Option<u64>) -> bool {
        self.queue_write(bytes, None, id)
    }

    /// As [`Stream::write`], passing `fd` with the first byte (`Kind::UnixFds`).
    pub fn write_with_fd(&self, bytes: Vec<u8>, fd: OwnedFd, id: Option<u64>) -> bool {
        self.queue_write(bytes, Some(fd), id)
    }

    /// As [`Stream::write`] for borrowed bytes without a completion: on an idle,
    /// uncorked stream they are written at once, straight from `bytes` (libuv's
    /// `uv_try_write`), and only what the kernel did not take is copied into the
    /// queue. A round trip's message is written without a buffer of its own.
    pub fn write_copy(&self, bytes: &[u8]) -> bool {
        let idle = !self.opts.blocking_writes
            && self.phase.get() == Phase::Open
            && !self.write_broken.get()
            && !self.ending.get()
            && !self.corked.get()
            && self.writes.borrow().is_empty();
        if !idle {
            return self.queue_write(bytes.to_vec(), None, None);
        }
        let kind = self.opts.kind;
        let took = self.with_fd(|fd| write_some(kind, fd, &[IoSlice::new(bytes)], None));
        match took {
            Some(Ok(n)) => {
                self.bytes_written.set(self.bytes_written.get() + n as u64);
                match bytes.get(n..) {
                    // All of it: nothing queued, nothing to watch (the stream was idle).
                    None | Some([]) => true,
                    // The kernel is full: the rest waits for writability, not tried again now.
                    Some(rest) => self.queue_write_tried(rest.to_vec(), None, None, true),
                }
            }
            // A failure goes the usual way: queued and written again, which reports it.
            Some(Err(_)) | None => self.queue_write(bytes.to_vec(), None, None),
        }
    }

    fn queue_write(&self, bytes: Vec<u8>, fd: Option<OwnedFd>, id: Option<u64>) -> bool {
        self.queue_write_tried(bytes, fd, id, false)
    }

    /// `tried`: a write was just tried and the kernel took no more: not tried again.
    fn queue_write_tried(&self, bytes: Vec<u8>, fd: Option<OwnedFd>, id: Option<u64>, tried: bool) -> bool {
        // No queue: written now (`io::stream_blocking`). A passed descriptor still
        // queues (the queue pairs it with its first byte), and on a blocking
        // descriptor its flush writes everything at once too.
        if self.opts.blocking_writes && fd.is_none() {
            return self.write_through(&bytes, id).is_ok();
        }
        if self.phase.get() == Phase::Closed {
            if let Some(id) = id {
                self.emit(None, When::Tick, Event::Written { id, err: Some(IoError::Destroyed) });
            }
            return false;
        }
        if self.write_broken.get() {
            if let Some(id) = id {
                self.emit(None, When::Tick, Event::Written { id, err: Some(IoError::Destroyed) });
            }
            return false;
        }
        if self.ending.get() {
            if let Some(id) = id {
                self.emit(None, When::Tick, Event::Written { id, err: Some(IoError::WriteAfterEnd) });
            }
            self.destroy(Some(IoError::WriteAfterEnd));
            return false;
        }
        if !self.in_flush.replace(true) {
            let pending: Rc<dyn Pending> = self.rc();
            self.io.host.flush_at_exit(Rc::downgrade(&pending));
        }
        let idle = !self.writes.borrow().has_output_now();
        match fd {
            Some(fd) => self.writes.borrow_mut().push_with_fd(bytes, fd, id),
            None => self.writes.borrow_mut().push(bytes, id),
        }
        let open = self.phase.get() == Phase::Open;
        if open && idle && !self.corked.get() && !tried {
            self.flush(None);
        } else if open && self.corked.get() && self.writes.borrow().queued_since_flush() >= CORKED_BATCH {
            // A long burst (a loop of sends) streams out while it is being made, so
            // the reader works meanwhile instead of after it (Node writes every send
            // at once); what the kernel does not take now waits, as before.
            self.flush(None);
        }
        let ok = self.writes.borrow().len() < self.opts.high_water;
        if !ok {
            self.need_drain.set(true);
        }
        self.update();
        ok
    }

    /// Names the reader in the exit flush's warning when there is no remote address.
    pub fn set_flush_peer(&self, name: String) {
        *self.peer_name.borrow_mut() = Some(name);
    }

    /// Turns the ACK gate on: after a write that passes a descriptor, later writes
    /// wait for [`Stream::ack`].
    pub fn hold_writes_until_ack(&self, on: bool) {
        self.writes.borrow_mut().set_gate(on);
        self.flush_writes();
    }

    /// The peer acknowledged the descriptor in flight.
    pub fn ack(&self) {
        self.writes.borrow_mut().ack();
        self.flush_writes();
    }

    /// From now on writes only queue (no system call per write) until
    /// [`Stream::uncork`], or until [`CORKED_BATCH`] bytes wait: the fork channel
    /// writes what one macrotask sent in one go, after its drain (a long burst in
    /// gathered writes of about that size while it is sent).
    pub fn cork(&self) {
        self.corked.set(true);
    }

    /// Ends [`Stream::cork`]: writes what the kernel takes now.
    pub fn uncork(&self) {
        self.corked.set(false);
        // Nothing queued (a round trip's one send went out at once): nothing to
        // write, and corking changed nothing `update` derives from an empty queue.
        if !self.writes.borrow().has_output_now() {
            return;
        }
        self.flush_writes();
    }

    /// A failed write stopped the writing (`write_error_keeps_reading`).
    pub fn write_broken(&self) -> bool {
        self.write_broken.get()
    }

    /// Writes what the kernel takes now, corked or not; the rest waits for the
    /// descriptor to become writable.
    pub fn flush_writes(&self) {
        if self.phase.get() == Phase::Open {
            self.flush(None);
        }
        self.update();
    }

    /// Half-closes once everything queued is written: `Finish` then (the poll phase).
    /// Nothing will acknowledge a passed descriptor any more: held writes go out.
    /// A pipe has no half-close: once everything is written it finishes on a tick and
    /// closes (`Close` in the close phase), as Node destroys a write-only pipe after
    /// `finish`.
    pub fn end(&self) {
        if self.phase.get() == Phase::Closed || self.ending.replace(true) {
            return;
        }
        self.writes.borrow_mut().release_held();
        self.finish_pipe();
        self.update();
    }

    /// A pipe whose `end()` came and whose queue is empty: `Finish`, then closed.
    fn finish_pipe(&self) {
        let open = self.phase.get() == Phase::Open && self.ending.get() && !self.shut.get();
        if open && self.opts.kind == Kind::Pipe && self.writes.borrow().is_empty() {
            self.shut.set(true);
            self.emit(None, When::Tick, Event::Finish);
            self.destroy(None);
        }
    }

    /// Writes what the kernel takes now; a failure destroys the stream. Completions
    /// and `Drain` go out on ticks, or at once when `cx` is given (the descriptor
    /// became writable: Node runs an asynchronous write's callbacks and `drain` from
    /// the poll phase, together in one callback scope, so the host's drain follows
    /// them all; a synchronous write's on a tick).
    pub(super) fn flush(&self, cx: Option<&C>) {
        let now = cx.and_then(|cx| self.to.upgrade().map(|to| (cx, to)));
        // Whether everything delivered at once went well; `None`: nothing was.
        let mut ok: Option<bool> = None;
        self.flush_with(&mut |ev| match &now {
            Some((cx, to)) => {
                let went_well = to.event(cx, ev);
                ok = Some(ok.unwrap_or(true) && went_well);
            }
            None => self.emit(None, When::Tick, ev),
        });
        if let (Some((cx, _)), Some(ok)) = (now, ok) {
            self.io.host.after_event(cx, ok);
        }
    }

    /// [`Stream::flush`]'s work, handing completions and `Drain` to `send`.
    fn flush_with(&self, send: &mut dyn FnMut(Event)) {
        if self.phase.get() != Phase::Open || self.write_broken.get() {
            return;
        }
        let kind = self.opts.kind;
        let flushed = self.with_fd(|fd| {
            self.writes.borrow_mut().flush_gathered(gather(kind), |b, pass| write_some(kind, fd, b, pass))
        });
        let Some(f) = flushed else { return };
        self.bytes_written.set(self.bytes_written.get() + f.written as u64);
        if let Some((errno, id)) = f.error {
            for id in f.completed {
                send(Event::Written { id, err: None });
            }
            let err = IoError::sys(errno, "write");
            if let Some(id) = id {
                self.emit(None, When::Tick, Event::Written { id, err: Some(err.clone()) });
            }
            if !self.opts.write_error_keeps_reading {
                return self.destroy(Some(err));
            }
            // The writing is over; reading goes on to the peer's EOF.
            self.write_broken.set(true);
            let dropped = self.writes.borrow_mut().clear();
            for id in dropped {
                self.emit(None, When::Tick, Event::Written { id, err: Some(err.clone()) });
            }
            return;
        }
        // Node's `afterWrite`: `drain` before the callbacks of the writes that let the
        // queue go low, and none once `end()` was called.
        let low = {
            let w = self.writes.borrow();
            match self.opts.drain_at {
                DrainAt::Empty => w.is_empty(),
                DrainAt::BelowHighWater => w.len() < self.opts.high_water,
            }
        };
        if low && !self.ending.get() && self.need_drain.replace(false) {
            send(Event::Drain);
        }
        for id in f.completed {
            send(Event::Written { id, err: None });
        }
        self.finish_pipe();
    }

    /// The descriptor is writable: flush, then the half-close `end()` asked for.
    pub(super) fn on_writable(&self, cx: &C) {
        self.flush(Some(cx));
        let done = self.phase.get() != Phase::Open || self.writes.borrow().has_output_now();
        if done || !self.ending.get() || self.shut.replace(true) {
            return self.update();
        }
        match self.opts.kind {
            // ENOTCONN (the peer already reset) changes nothing: the write side is over.
            Kind::Socket | Kind::UnixFds => {
                let _ = self.with_fd(socket::shutdown_write);
            }
            // Finished by `finish_pipe`, never here.
            Kind::Pipe => return self.update(),
        }
        self.update();
        self.emit(Some(cx), When::Now, Event::Finish);
    }
}

/// How many queued writes one system call takes: the fork channel's messages go out
/// gathered (a burst of sends is a few `sendmsg` calls, not one per message); other
/// streams write one chunk at a time.
fn gather(kind: Kind) -> usize {
    match kind {
        Kind::UnixFds => GATHER_MAX,
        Kind::Socket | Kind::Pipe => 1,
    }
}

/// Writes what the descriptor takes now (possibly 0), or the errno. `bytes` holds
/// one slice unless [`gather`] allows more.
pub(super) fn write_some(kind: Kind, fd: BorrowedFd, bytes: &[IoSlice], pass: Option<BorrowedFd>) -> SysResult<usize> {
    let first = bytes.first().map_or(&[][..], |b| &b[..]);
    match kind {
        Kind::Socket => socket::send_some(fd, first),
        Kind::UnixFds => loop {
            match socket::sendmsg_vectored(fd, bytes, pass) {
                Err(Errno::EINTR) => {}
                Err(Errno::EAGAIN) => return Ok(0),
                r => return r,
            }
        },
        Kind::Pipe => sysfd::write_some(fd, first),
    }
}

/// Every stream is in the exit flush: what `write()` queued before the process
/// ended is still written, under the one deadline rule.
impl<C: ?Sized + 'static> Pending for Stream<C> {
    fn flush_fd(&self, f: &mut dyn FnMut(BorrowedFd<'_>)) {
        let open = self.phase.get() == Phase::Open && !self.shut.get() && !self.write_broken.get();
        if open && !self.writes.borrow().is_empty() {
            self.with_fd(f);
        }
    }

    fn write_now(&self) -> SysResult<usize> {
        let kind = self.opts.kind;
        let flushed = self.with_fd(|fd| {
            let mut w = self.writes.borrow_mut();
            w.release_held();
            w.flush_gathered(gather(kind), |b, pass| write_some(kind, fd, b, pass))
        });
        match flushed {
            None => Ok(0),
            Some(f) => match f.error {
                Some((errno, _)) => Err(errno),
                None => Ok(f.written),
            },
        }
    }

    fn backlog(&self) -> Backlog {
        let w = self.writes.borrow();
        Backlog { items: w.chunks(), bytes: w.len(), unit: self.flush_names.get().0 }
    }

    fn peer(&self) -> String {
        if let Some(name) = self.peer_name.borrow().as_ref() {
            return name.clone();
        }
        let what = self.flush_names.get().1;
        match self.remote.borrow().as_ref().map(|r| r.describe()).filter(|d| !d.is_empty()) {
            Some(to) => format!("the {what} to {to}"),
            None => format!("a {what}"),
        }
    }
}
