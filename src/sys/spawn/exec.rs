//! The child's first and last steps: every signal disposition back to its default,
//! and `execve` over the `PATH` candidates as `execvpe` does.
//!
//! Both stay raw `libc` calls, for reasons nix cannot help with: the dispositions
//! are reset with the `rt_sigaction` system call because glibc's `sigaction` (and
//! nix's `Signal`) refuse the real-time signals glibc reserves, and an inherited
//! SIG_IGN on one of those must not reach the program either; nix's `execve` builds
//! its pointer arrays in a fresh `Vec`, and the child must not allocate, so the
//! arrays are built here, in the parent ([`Program::new`]).

use std::ffi::{CString, c_char};
use std::ptr::null;

use crate::sys::errno::Errno;

/// What to execute, as the child reads it: C strings and null-terminated pointer
/// arrays into them, all built (and owned) here before the clone.
pub struct Program {
    /// Each path to try, in order (one unless the file was looked up in `PATH`).
    candidates: Vec<CString>,
    argv: Vec<*const c_char>,
    /// `/bin/sh <candidate> args…` for a file the kernel cannot execute (ENOEXEC),
    /// as `execvp` does; slot 1 is filled in by the child.
    sh_argv: Vec<*const c_char>,
    envp: Vec<*const c_char>,
    /// The strings `argv`, `sh_argv` and `envp` point into (their heap buffers do
    /// not move when the vectors do).
    _strings: (Vec<CString>, Vec<CString>),
}

fn pointers(v: &[CString]) -> Vec<*const c_char> {
    v.iter().map(|c| c.as_ptr()).chain(std::iter::once(null())).collect()
}

impl Program {
    pub fn new(candidates: Vec<CString>, argv: Vec<CString>, env: Vec<CString>) -> Program {
        let mut sh_argv = vec![c"/bin/sh".as_ptr(), null()];
        sh_argv.extend(argv.iter().skip(1).map(|c| c.as_ptr()));
        sh_argv.push(null());
        Program { candidates, argv: pointers(&argv), sh_argv, envp: pointers(&env), _strings: (argv, env) }
    }
}

/// Every catchable signal back to SIG_DFL (SIGKILL and SIGSTOP cannot be changed).
pub(super) fn reset_signals() {
    // All zeros is SIG_DFL with no flags and an empty mask in the kernel's layout.
    let dfl = [0u64; 4];
    for sig in 1..=64 {
        if sig != libc::SIGKILL && sig != libc::SIGSTOP {
            // SAFETY: rt_sigaction reads the kernel's sigaction (4 u64s) from the live
            // local `dfl`, writes no old action (null), and is given the kernel's
            // sigset size (8). It changes this process's dispositions only: called in
            // the child before exec.
            unsafe { libc::syscall(libc::SYS_rt_sigaction, sig, dfl.as_ptr(), std::ptr::null_mut::<u64>(), 8usize) };
        }
    }
}

/// `execve` over the prepared candidates: ENOENT-like failures try the next
/// directory, EACCES is remembered, ENOEXEC runs the file with `/bin/sh`. Returns
/// only when every candidate failed.
///
/// # Safety
/// Only in the child before exec: a successful call replaces the process image.
pub(super) unsafe fn exec(p: &mut Program) -> Errno {
    let single = p.candidates.len() == 1;
    let mut denied = false;
    for c in &p.candidates {
        // SAFETY: argv and envp are null-terminated arrays of pointers to C strings
        // `p` owns; `c` is a live C string.
        unsafe { libc::execve(c.as_ptr(), p.argv.as_ptr(), p.envp.as_ptr()) };
        let e = Errno::last();
        match e {
            Errno::ENOEXEC => {
                p.sh_argv[1] = c.as_ptr();
                // SAFETY: as above; sh_argv is null-terminated, its strings `p`'s or
                // literals.
                unsafe { libc::execve(c"/bin/sh".as_ptr(), p.sh_argv.as_ptr(), p.envp.as_ptr()) };
                return Errno::last();
            }
            _ if single => return e,
            Errno::EACCES => denied = true,
            Errno::ENOENT | Errno::ENOTDIR | Errno::ESTALE | Errno::ENODEV | Errno::ETIMEDOUT => {}
            _ => return e,
        }
    }
    if denied { Errno::EACCES } else { Errno::ENOENT }
}
