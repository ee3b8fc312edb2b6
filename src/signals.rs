//! Signal names and numbers (`os.constants.signals`, `process.kill`'s names, the
//! event names on `process`). The `libc::SIG*` values here are data (the table), not
//! calls: dispositions and the loop's self-pipe are [`crate::sys::signal`]'s.

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
