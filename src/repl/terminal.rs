//! The terminal mode to come back to. The line editor puts the terminal in raw mode
//! while a prompt is up; if the process ends then (a timer calls `process.exit()`),
//! nobody else would restore it, so the REPL keeps the cooked mode it started with
//! (in [`crate::sys::term`]).

use crate::sys::term;

/// Remembers the mode of stdin, if it is a terminal.
pub fn save() {
    term::save_stdin_mode();
}

/// True while the line editor holds the terminal (a prompt is up).
pub fn is_raw() -> bool {
    term::stdin_is_raw()
}

/// Puts back the saved mode and turns off bracketed paste, which the editor enabled.
pub fn restore() {
    if term::restore_stdin_mode() {
        let _ = crate::runtime::output::write_all(crate::runtime::output::StdOutput::Out, b"\x1b[?2004l");
    }
}
