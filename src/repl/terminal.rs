//! The terminal mode to come back to. The line editor puts the terminal in raw mode
//! while a prompt is up; if the process ends then (a timer calls `process.exit()`),
//! nobody else would restore it, so the REPL keeps the cooked mode it started with.

use std::sync::OnceLock;

static COOKED: OnceLock<libc::termios> = OnceLock::new();

/// Remembers the mode of stdin, if it is a terminal.
pub fn save() {
    if let Some(t) = current() {
        let _ = COOKED.set(t);
    }
}

fn current() -> Option<libc::termios> {
    // SAFETY: termios is plain old data (flags and a byte array); all-zero is valid.
    let mut t: libc::termios = unsafe { std::mem::zeroed() };
    // SAFETY: tcgetattr writes one termios into the live local `t`.
    (unsafe { libc::tcgetattr(0, &mut t) } == 0).then_some(t)
}

/// True while the line editor holds the terminal (a prompt is up).
pub fn is_raw() -> bool {
    current().is_some_and(|t| t.c_lflag & libc::ICANON == 0)
}

/// Puts back the saved mode and turns off bracketed paste, which the editor enabled.
pub fn restore() {
    if let Some(t) = COOKED.get() {
        // SAFETY: `t` is a termios tcgetattr filled in, read-only for the call.
        unsafe { libc::tcsetattr(0, libc::TCSADRAIN, t) };
        let _ = crate::runtime::output::write_all(crate::runtime::output::StdOutput::Out, b"\x1b[?2004l");
    }
}
