//! The mode of the terminal on stdin: saved once (cooked, as the REPL found it),
//! asked whether it is raw now, and put back (nix's `tcgetattr`/`tcsetattr`).
//!
//! The saved mode is kept as libc's `termios`, plain data, in a process-wide
//! `OnceLock`, and converted to nix's `Termios` at the two calls. nix's `Termios` is
//! not `Sync` (it caches the raw struct in a `RefCell`), so it cannot sit in a static
//! itself; a thread-local would hold it, but the terminal's mode is the process's, and
//! the restore must work from whichever thread ends the process.

use std::io::stdin;
use std::os::fd::AsFd;
use std::sync::OnceLock;

use nix::sys::termios::{LocalFlags, SetArg, Termios, tcgetattr, tcsetattr};

static SAVED: OnceLock<libc::termios> = OnceLock::new();

/// Remembers the mode of stdin, if it is a terminal (the first call wins).
pub fn save_stdin_mode() {
    if let Ok(t) = tcgetattr(stdin().as_fd()) {
        let _ = SAVED.set(t.into());
    }
}

/// True while stdin is a terminal in non-canonical (raw) mode.
pub fn stdin_is_raw() -> bool {
    tcgetattr(stdin().as_fd()).is_ok_and(|t| !t.local_flags.contains(LocalFlags::ICANON))
}

/// Puts back the saved mode once output already written has drained (`TCSADRAIN`).
/// False when nothing was saved (stdin is not a terminal).
pub fn restore_stdin_mode() -> bool {
    let Some(&t) = SAVED.get() else { return false };
    let _ = tcsetattr(stdin().as_fd(), SetArg::TCSADRAIN, &Termios::from(t));
    true
}
