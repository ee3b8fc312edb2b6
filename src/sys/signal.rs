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
use std::sync::atomic::{AtomicI32, Ordering};

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

/// The loop's handler: writes the signal number to the self-pipe.
extern "C" fn on_signal(signo: i32) {
    let saved = Errno::last_raw();
    let fd = WRITE_FD.load(Ordering::Relaxed);
    if fd >= 0 {
        // SAFETY: `fd` is the pipe's write end, which lives as long as the process
        // (see WRITE_FD), for the length of this one call.
        let pipe = unsafe { BorrowedFd::borrow_raw(fd) };
        // write(2) is async-signal-safe; a full pipe (non-blocking) just drops the byte.
        let _ = nix::unistd::write(pipe, &[signo as u8]);
    }
    // The handler puts back the errno it found so the interrupted code sees no change.
    Errno::set_raw(saved);
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

/// Drains the pipe: the signals delivered since the last call, in arrival order.
pub fn read_pending(fd: BorrowedFd<'_>) -> Vec<i32> {
    let mut out = Vec::new();
    let mut buf = [0u8; 64];
    while let Ok(n @ 1..) = nix::unistd::read(fd, &mut buf) {
        out.extend(buf.iter().take(n).map(|&b| b as i32));
    }
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
