//! Signal names and numbers, and delivery to the loop through a self-pipe.
//!
//! The handler only writes the signal number to a non-blocking, close-on-exec pipe;
//! the loop reads it in the poll phase and emits the event on `process`, so listeners
//! always run asynchronously, never inside the code the signal interrupted.

use std::io;
use std::sync::atomic::{AtomicI32, Ordering};

/// Linux signal names in number order (as `os.constants.signals` lists them).
const NAMES: &[(&str, i32)] = &[
    ("SIGHUP", libc::SIGHUP),
    ("SIGINT", libc::SIGINT),
    ("SIGQUIT", libc::SIGQUIT),
    ("SIGILL", libc::SIGILL),
    ("SIGTRAP", libc::SIGTRAP),
    ("SIGABRT", libc::SIGABRT),
    ("SIGIOT", libc::SIGIOT),
    ("SIGBUS", libc::SIGBUS),
    ("SIGFPE", libc::SIGFPE),
    ("SIGKILL", libc::SIGKILL),
    ("SIGUSR1", libc::SIGUSR1),
    ("SIGSEGV", libc::SIGSEGV),
    ("SIGUSR2", libc::SIGUSR2),
    ("SIGPIPE", libc::SIGPIPE),
    ("SIGALRM", libc::SIGALRM),
    ("SIGTERM", libc::SIGTERM),
    ("SIGCHLD", libc::SIGCHLD),
    ("SIGSTKFLT", libc::SIGSTKFLT),
    ("SIGCONT", libc::SIGCONT),
    ("SIGSTOP", libc::SIGSTOP),
    ("SIGTSTP", libc::SIGTSTP),
    ("SIGTTIN", libc::SIGTTIN),
    ("SIGTTOU", libc::SIGTTOU),
    ("SIGURG", libc::SIGURG),
    ("SIGXCPU", libc::SIGXCPU),
    ("SIGXFSZ", libc::SIGXFSZ),
    ("SIGVTALRM", libc::SIGVTALRM),
    ("SIGPROF", libc::SIGPROF),
    ("SIGWINCH", libc::SIGWINCH),
    ("SIGIO", libc::SIGIO),
    ("SIGPOLL", libc::SIGPOLL),
    ("SIGPWR", libc::SIGPWR),
    ("SIGSYS", libc::SIGSYS),
];

/// Every signal name with its number, in number order (`os.constants.signals`).
pub fn all() -> &'static [(&'static str, i32)] {
    NAMES
}

/// The number of a signal name (case-sensitive, as in Node).
pub fn number(name: &str) -> Option<i32> {
    NAMES.iter().find(|(n, _)| *n == name).map(|&(_, s)| s)
}

/// The canonical name of a signal number.
pub fn name(signo: i32) -> Option<&'static str> {
    NAMES.iter().find(|(_, s)| *s == signo).map(|&(n, _)| n)
}

/// True for the names a listener can never catch.
pub fn is_uncatchable(signo: i32) -> bool {
    signo == libc::SIGKILL || signo == libc::SIGSTOP
}

static WRITE_FD: AtomicI32 = AtomicI32::new(-1);

extern "C" fn on_signal(signo: libc::c_int) {
    let saved = nix::errno::Errno::last_raw();
    let fd = WRITE_FD.load(Ordering::Relaxed);
    if fd >= 0 {
        let byte = signo as u8;
        // SAFETY: write(2) is async-signal-safe; the source is the live 1-byte local
        // `byte`. A full pipe (non-blocking) just drops the byte.
        unsafe { libc::write(fd, (&byte as *const u8).cast(), 1) };
    }
    // The handler puts back the errno it found so the interrupted code sees no change.
    nix::errno::Errno::set_raw(saved);
}

/// The read end of the signal pipe; created once per process.
pub fn pipe() -> io::Result<std::os::fd::OwnedFd> {
    use std::os::fd::IntoRawFd;
    let (r, w) = crate::sys::fd::wake_pipe()?;
    // The write end lives as long as the process (the handler writes to it). A number
    // in an atomic, not an `OwnedFd`: the signal handler may only do async-signal-safe
    // loads and `write(2)`; nothing ever closes it, so the number cannot be reused.
    WRITE_FD.store(w.into_raw_fd(), Ordering::Relaxed);
    Ok(r)
}

/// Routes `signo` to the pipe (a listener exists).
pub fn catch(signo: i32) -> io::Result<()> {
    set_action(signo, on_signal as *const () as libc::sighandler_t)
}

/// Restores the default action (the last listener went away).
pub fn restore(signo: i32) -> io::Result<()> {
    set_action(signo, libc::SIG_DFL)
}

/// Ignores `signo` (SIGPIPE: a closed pipe becomes an EPIPE error instead).
pub fn ignore(signo: i32) -> io::Result<()> {
    set_action(signo, libc::SIG_IGN)
}

fn set_action(signo: i32, handler: libc::sighandler_t) -> io::Result<()> {
    // SAFETY: a zeroed sigaction is a valid value; `sa` is a live local and the old
    // action pointer may be null. `handler` is SIG_DFL, SIG_IGN or `on_signal`, which
    // is async-signal-safe (an atomic load, write(2), errno).
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = handler;
        sa.sa_flags = libc::SA_RESTART;
        libc::sigemptyset(&mut sa.sa_mask);
        if libc::sigaction(signo, &sa, std::ptr::null_mut()) < 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

/// Drains the pipe: the signals delivered since the last call, in arrival order.
pub fn read_pending(fd: std::os::fd::BorrowedFd<'_>) -> Vec<i32> {
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

    #[test]
    fn names_round_trip() {
        assert_eq!(number("SIGTERM"), Some(15));
        assert_eq!(number("sigterm"), None);
        assert_eq!(number("SIGFOO"), None);
        assert_eq!(name(2), Some("SIGINT"));
        assert_eq!(name(6), Some("SIGABRT"));
        assert!(is_uncatchable(9) && is_uncatchable(19) && !is_uncatchable(15));
    }
}
