//! Signal dispositions, one place: every `sigaction(2)` procbox makes, the loop's
//! self-pipe and its async-signal-safe handler, re-raising a signal with its default
//! action, `raise` and the parent-death signal. Built on nix's `sigaction`/`raise`/`write`; the one raw call is
//! [`is_handled_by`]'s query (nix's `sigaction` always installs a new action, and
//! installing one just to read the old would open a window where a signal finds the
//! wrong handler).
//!
//! Every handler is installed with `SA_RESTART` and an empty mask (the signal itself
//! is still blocked while its handler runs), as `signal(3)` does in glibc.
//!
//! The loop's route: [`pipe`] makes the self-pipe, [`catch`] points a signal at
//! [`on_signal`], which only writes the number to the pipe; the loop drains it in the
//! poll phase ([`read_pending`]) and emits the event on `process`, so listeners always
//! run asynchronously, never inside the code the signal interrupted.

use std::os::fd::{BorrowedFd, IntoRawFd, OwnedFd};
use std::sync::atomic::{AtomicI32, AtomicUsize, Ordering};

use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal};

use super::errno::{Errno, SysResult};

/// A signal handler: it may only do async-signal-safe work (atomics, `write(2)`,
/// `kill(2)`, [`reraise_default`]).
pub type Handler = extern "C" fn(i32);

/// A disposition [`install`] replaced, to be put back with [`reinstate`].
#[derive(Clone, Copy)]
pub struct Saved {
    signal: Signal,
    action: SigAction,
}

fn signal_of(signo: i32) -> SysResult<Signal> {
    Signal::try_from(signo).map_err(|_| Errno::EINVAL)
}

fn set(signo: i32, handler: SigHandler) -> SysResult<Saved> {
    let signal = signal_of(signo)?;
    let action = SigAction::new(handler, SaFlags::SA_RESTART, SigSet::empty());
    // SAFETY: `handler` is SIG_DFL, SIG_IGN or a `Handler`, which by its contract (and
    // every one in procbox: `on_signal`, the REPL's and the test runner's) does only
    // async-signal-safe work.
    let before = unsafe { nix::sys::signal::sigaction(signal, &action) }?;
    Ok(Saved { signal, action: before })
}

/// Installs `handler` for `signo`, returning the disposition it replaces.
pub fn install(signo: i32, handler: Handler) -> SysResult<Saved> {
    set(signo, SigHandler::Handler(handler))
}

/// Puts back a disposition [`install`] replaced.
pub fn reinstate(saved: &Saved) -> SysResult<()> {
    // SAFETY: `saved.action` is what the kernel reported as installed before: SIG_DFL,
    // SIG_IGN, or a handler procbox installed (async-signal-safe, see `set`).
    unsafe { nix::sys::signal::sigaction(saved.signal, &saved.action) }.map(drop)
}

/// Restores the default action of `signo` (the last listener went away).
pub fn restore(signo: i32) -> SysResult<()> {
    set(signo, SigHandler::SigDfl).map(drop)
}

/// Ignores `signo` (SIGPIPE: a closed pipe becomes an EPIPE error instead).
pub fn ignore(signo: i32) -> SysResult<()> {
    set(signo, SigHandler::SigIgn).map(drop)
}

/// The handler address installed for `signo` now (`SIG_DFL` is 0, `SIG_IGN` 1).
/// Raw libc: nix's `sigaction` always installs a new action, and only a null new
/// action reads the current one without changing it.
fn current(signo: i32) -> usize {
    // SAFETY: a zeroed sigaction is a valid value; a null new action only queries,
    // writing the current one into the live local `now` (an invalid `signo` is EINVAL
    // and leaves it zeroed, i.e. SIG_DFL).
    unsafe {
        let mut now: libc::sigaction = std::mem::zeroed();
        libc::sigaction(signo, std::ptr::null(), &mut now);
        now.sa_sigaction
    }
}

/// True when `signo` has its default action.
pub fn is_default(signo: i32) -> bool {
    current(signo) == libc::SIG_DFL
}

/// True when `handler` is the one installed for `signo`.
pub fn is_handled_by(signo: i32, handler: Handler) -> bool {
    current(signo) == handler as usize
}

/// From inside a handler: puts back the default action of `signo` and raises it, so
/// the process ends by that signal once the handler returns (the signal is blocked
/// until then). Async-signal-safe: `sigaction(2)` and `raise(3)`.
pub fn reraise_default(signo: i32) {
    if restore(signo).is_ok()
        && let Ok(signal) = signal_of(signo)
    {
        let _ = nix::sys::signal::raise(signal);
    }
}

/// Raises `signo` in this process (`raise(3)`).
pub fn raise(signo: i32) -> SysResult<()> {
    nix::sys::signal::raise(signal_of(signo)?)
}

/// Asks the kernel to send us `signo` when the thread that forked us ends
/// (`PR_SET_PDEATHSIG`; `None` clears it). It belongs to the calling thread's task.
pub fn set_parent_death_signal(signo: Option<i32>) -> SysResult<()> {
    nix::sys::prctl::set_pdeathsig(signo.map(signal_of).transpose()?)
}

/// The self-pipe's write end, as a number in an atomic: the handler may only do
/// async-signal-safe loads and `write(2)`. Nothing ever closes it, so the number
/// cannot be reused while the handler might write to it.
static WRITE_FD: AtomicI32 = AtomicI32::new(-1);

/// Signal bytes the handler wrote to the pipe or is about to write: bumped BEFORE the
/// `write(2)`, taken back if the write fails (a full pipe). See [`pending`].
static RAISED: AtomicUsize = AtomicUsize::new(0);
/// Signal bytes the loop has read from the pipe ([`read_pending`], on the loop's
/// thread only), counted AFTER they were read. See [`pending`].
static TAKEN: AtomicUsize = AtomicUsize::new(0);

/// The loop's handler: counts the signal, then writes its number to the self-pipe.
extern "C" fn on_signal(signo: i32) {
    let saved = Errno::last_raw();
    let fd = WRITE_FD.load(Ordering::Relaxed);
    if fd >= 0 {
        // Counted before the byte exists, so the count is never behind the pipe
        // (`pending`). An atomic add is async-signal-safe (lock-free).
        RAISED.fetch_add(1, Ordering::SeqCst);
        // SAFETY: `fd` is the pipe's write end, which lives as long as the process
        // (see WRITE_FD), for the length of this one call.
        let pipe = unsafe { BorrowedFd::borrow_raw(fd) };
        // write(2) is async-signal-safe; a full pipe (non-blocking) just drops the
        // byte, and then the count is taken back: no byte will ever be read for it.
        if !matches!(nix::unistd::write(pipe, &[signo as u8]), Ok(1)) {
            RAISED.fetch_sub(1, Ordering::SeqCst);
        }
    }
    // The handler puts back the errno it found so the interrupted code sees no change.
    Errno::set_raw(saved);
}

/// Whether the signal pipe may hold a byte the loop has not read: false means it
/// holds none, so a poll that would not block may skip `epoll_wait` when the pipe is
/// all it watches (`io::reactor::Reactor::mirror`, issue 17: one system call per
/// loop turn, the largest cost of a `setImmediate` chain's turn).
///
/// Why false is never wrong. Each byte in the pipe was counted in RAISED before it
/// was written, and a byte read is counted in TAKEN only after the read, so at every
/// moment RAISED - TAKEN >= bytes unread (equal when no handler is between its add and
/// its write and the reader has counted what it read). RAISED == TAKEN therefore
/// means no byte is unread. The interleavings:
/// - the handler runs (on any thread) before the loop's check: the check sees
///   RAISED ahead and the loop polls; epoll reports the byte, the reader reads and
///   counts it, and the counts are equal again;
/// - the handler has added but not written yet (it runs on the process's other
///   thread, or interrupts the loop between check and poll): the poll may find
///   nothing; RAISED stays ahead, so every later turn polls until the byte is read;
/// - the handler runs after the check (the check saw no add): this turn skips, which
///   is the same as the signal arriving just after the turn's poll; the loop's next
///   turn checks again. A skip happens only where the poll would not block (timeout
///   0, more work queued), so the loop always comes back to check, and a wait that
///   may block always asks epoll: no signal waits for a turn that never comes;
/// - the handler runs while the reader drains: the reader may read the new byte
///   too (TAKEN then catches up with RAISED) or leave it (RAISED stays ahead: the
///   next turn polls and reads it);
/// - the write fails (the pipe holds 64 KiB of unread signals): the add is taken
///   back; the pipe is readable anyway, so the loop polls.
///
/// The counts wrap: only their equality is asked.
pub fn pending() -> bool {
    RAISED.load(Ordering::SeqCst) != TAKEN.load(Ordering::Relaxed)
}

/// The read end of the signal pipe; created once per process.
pub fn pipe() -> SysResult<OwnedFd> {
    let (r, w) = super::fd::wake_pipe()?;
    // The write end lives as long as the process (the handler writes to it).
    WRITE_FD.store(w.into_raw_fd(), Ordering::Relaxed);
    Ok(r)
}

/// Routes `signo` to the pipe (a listener exists).
pub fn catch(signo: i32) -> SysResult<()> {
    install(signo, on_signal).map(drop)
}

/// Drains the signal pipe (`fd`, [`pipe`]'s read end): the signals delivered since
/// the last call, in arrival order. What it read is counted after the reads
/// ([`pending`]).
pub fn read_pending(fd: BorrowedFd<'_>) -> Vec<i32> {
    let mut out = Vec::new();
    let mut buf = [0u8; 64];
    while let Ok(n @ 1..) = nix::unistd::read(fd, &mut buf) {
        out.extend(buf.iter().take(n).map(|&b| b as i32));
    }
    TAKEN.fetch_add(out.len(), Ordering::SeqCst);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    extern "C" fn noop(_: i32) {}

    #[test]
    fn install_reports_and_reinstate_puts_back() {
        // SIGWINCH: default is "ignore", so a stray one during the test does no harm,
        // and no other test touches it.
        let sig = libc::SIGWINCH;
        assert!(is_default(sig));
        let saved = install(sig, noop).expect("install");
        assert!(is_handled_by(sig, noop) && !is_default(sig));
        reinstate(&saved).expect("reinstate");
        assert!(is_default(sig) && !is_handled_by(sig, noop));
        assert_eq!(install(libc::SIGKILL, noop).err(), Some(Errno::EINVAL), "SIGKILL cannot be caught");
        assert_eq!(install(0, noop).err(), Some(Errno::EINVAL));
    }
}
