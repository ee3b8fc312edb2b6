//! Starting a child the way glibc's `posix_spawn` does: `clone(CLONE_VM |
//! CLONE_VFORK)` on a small private stack, so no page tables are copied and the
//! parent sleeps until the child has called `execve` (or failed to).
//!
//! The child runs on the parent's memory, so everything it touches is prepared
//! beforehand ([`Plan`]) and it only makes raw system calls: reset every signal
//! disposition and the mask (procbox catches signals and ignores SIGPIPE; a child
//! must not inherit that), `setsid` when detached, set up its stdio, `chdir`, then
//! `execve` each `PATH` candidate as `execvpe` does. If that fails it writes `errno`
//! to a close-on-exec pipe and exits with 127: the parent reads the pipe (empty means
//! the exec succeeded), reaps the failed child at once, and reports the error, as
//! libuv does. Every descriptor procbox opens is close-on-exec from birth, so the
//! child gets exactly its stdio.

use std::ffi::{CString, c_char, c_int, c_void};
use std::os::fd::{AsFd, AsRawFd, OwnedFd, RawFd};
use std::ptr::null;

use super::command::{Command, Stdio};
use super::confine;
use crate::sys::fd as pipe;
use nix::errno::Errno;

/// The child's stack while it prepares the exec: it only runs a few small frames.
const STACK_BYTES: usize = 64 * 1024;

/// A started child: its pid and, per stdio index, the parent's end of a pipe.
#[derive(Debug)]
pub struct Spawned {
    pub pid: i32,
    pub fds: Vec<Option<OwnedFd>>,
}

/// Everything the child reads, built before the clone (it must not allocate).
struct Plan {
    candidates: Vec<CString>,
    argv: Vec<*const c_char>,
    /// `/bin/sh <candidate> args…` for a file the kernel cannot execute (ENOEXEC),
    /// as `execvp` does; slot 1 is filled in by the child.
    sh_argv: Vec<*const c_char>,
    envp: Vec<*const c_char>,
    cwd: Option<CString>,
    /// Per child descriptor: the parent descriptor to put there, or -1. Numbers, not
    /// `BorrowedFd`s: the vfork child rearranges them with `dup2` and moves some out of
    /// the way (`stdio`), which needs plain integers; the descriptors they name are
    /// owned by `spawn`'s locals (`child_ends`, `/dev/null`, the script's) until the
    /// child has exec'd.
    sources: Vec<RawFd>,
    detached: bool,
    uid: Option<u32>,
    gid: Option<u32>,
    /// The error pipe's write end, owned by `spawn`'s `err_w` until the child exec'd;
    /// a number for the same reason as `sources`.
    err_fd: RawFd,
    /// The permission policy's kernel side (`confine`), if any.
    confine: Option<confine::Prepared>,
    contain: super::contain::Prepared,
}

/// `spawn` reports plain errno numbers (they cross the error pipe as one).
fn raw(e: nix::errno::Errno) -> i32 {
    e as i32
}

fn cstring(s: &str) -> Result<CString, i32> {
    CString::new(s).map_err(|_| libc::EINVAL)
}

fn pointers(v: &[CString]) -> Vec<*const c_char> {
    v.iter().map(|c| c.as_ptr()).chain(std::iter::once(null())).collect()
}

/// Starts `cmd`. `Err(errno)` when it could not run: ENOENT/EACCES from the exec,
/// ENOENT/ENOTDIR from `cwd`, EAGAIN from the process limit, EINVAL for a NUL byte.
pub fn spawn(cmd: &Command) -> Result<Spawned, i32> {
    let candidates = cmd.candidates().iter().map(|s| cstring(s)).collect::<Result<Vec<_>, _>>()?;
    let argv_c = cmd.argv.iter().map(|s| cstring(s)).collect::<Result<Vec<_>, _>>()?;
    let env_c = cmd.env.iter().map(|(k, v)| cstring(&format!("{k}={v}"))).collect::<Result<Vec<_>, _>>()?;
    let cwd = cmd.cwd.as_deref().map(cstring).transpose()?;
    let mut sh_argv = vec![c"/bin/sh".as_ptr(), null()];
    sh_argv.extend(argv_c.iter().skip(1).map(|c| c.as_ptr()));
    sh_argv.push(null());

    let mut parent_fds = Vec::with_capacity(cmd.stdio.len());
    let mut child_ends: Vec<OwnedFd> = Vec::new();
    let mut sources = Vec::with_capacity(cmd.stdio.len());
    for (i, s) in cmd.stdio.iter().enumerate() {
        let (source, mine) = match *s {
            Stdio::Pipe => {
                let (mine, theirs) = match i {
                    0 => {
                        let (r, w) = pipe::pipe().map_err(raw)?;
                        (w, r)
                    }
                    1 | 2 => pipe::pipe().map_err(raw)?,
                    _ => pipe::socketpair().map_err(raw)?,
                };
                pipe::set_nonblocking(mine.as_fd(), true).map_err(raw)?;
                let source = theirs.as_raw_fd();
                child_ends.push(theirs);
                (source, Some(mine))
            }
            Stdio::Inherit => (i as RawFd, None),
            Stdio::Ignore if i <= 2 => (pipe::dev_null().map_err(raw)?.as_raw_fd(), None),
            Stdio::Ignore => (-1, None),
            Stdio::Fd(fd) => (fd, None),
        };
        sources.push(source);
        parent_fds.push(mine);
    }
    let confine = cmd.confine.as_ref().map(|c| confine::prepare(c, sources.len(), cmd.uid)).transpose()?;
    let (err_r, err_w) = pipe::pipe().map_err(raw)?;
    let mut plan = Plan {
        argv: pointers(&argv_c),
        envp: pointers(&env_c),
        candidates,
        sh_argv,
        cwd,
        sources,
        detached: cmd.detached,
        uid: cmd.uid,
        gid: cmd.gid,
        err_fd: err_w.as_raw_fd(),
        confine,
        contain: super::contain::prepare(&cmd.contain, cmd.detached),
    };

    let mut stack = vec![0u128; STACK_BYTES / 16];
    // SAFETY: one past the end of the allocation, 16-byte aligned: the stack grows down.
    let top = unsafe { stack.as_mut_ptr().add(stack.len()) }.cast::<c_void>();
    // Block every signal around the clone: a handler running in the child would write
    // into procbox's signal pipe. The child resets the dispositions, then unblocks.
    // SAFETY: the sigsets are plain bits (zeroed, then filled) and live locals. `top`
    // is the 16-byte aligned end of `stack`, which outlives the child's use of it:
    // with CLONE_VFORK this thread sleeps until the child execs or exits, and `plan`
    // (everything the child reads, no allocation needed) lives until after that too.
    let pid = unsafe {
        let mut all: libc::sigset_t = std::mem::zeroed();
        let mut old: libc::sigset_t = std::mem::zeroed();
        libc::sigfillset(&mut all);
        libc::pthread_sigmask(libc::SIG_SETMASK, &all, &mut old);
        let flags = libc::CLONE_VM | libc::CLONE_VFORK | libc::SIGCHLD | plan.contain.clone_flags();
        let pid = libc::clone(child_main, top, flags, (&mut plan as *mut Plan).cast());
        let e = Errno::last_raw();
        libc::pthread_sigmask(libc::SIG_SETMASK, &old, std::ptr::null_mut());
        if pid < 0 { Err(e) } else { Ok(pid) }
    };
    drop(child_ends);
    drop(err_w);
    drop(stack);
    let pid = pid?;

    let mut code = [0u8; std::mem::size_of::<i32>()];
    let n = loop {
        match nix::unistd::read(err_r.as_fd(), &mut code) {
            Err(Errno::EINTR) => continue,
            r => break r.unwrap_or(0),
        }
    };
    if n == code.len() {
        super::reap::wait(pid);
        return Err(i32::from_ne_bytes(code));
    }
    Ok(Spawned { pid, fds: parent_fds })
}

/// The child's side; it never returns.
extern "C" fn child_main(arg: *mut c_void) -> c_int {
    // SAFETY: `arg` is the parent's `Plan`, alive while the parent waits (CLONE_VFORK).
    let plan = unsafe { &mut *arg.cast::<Plan>() };
    // SAFETY: we are the cloned child, before exec, on the parent's memory: what
    // exec_child requires (it only makes raw system calls on the prepared plan).
    let err = unsafe { exec_child(plan) };
    // SAFETY: `err` is a live local of the size passed; `err_fd` is the pipe's write
    // end, open in the child. _exit skips atexit handlers, which belong to the parent.
    unsafe {
        libc::write(plan.err_fd, (&err as *const i32).cast(), std::mem::size_of::<i32>());
        libc::_exit(127)
    }
}

/// Prepares the child and execs; returns the errno only when that failed.
///
/// # Safety
/// Only in the child of the vfork-style clone, before exec: it changes the process's
/// signal dispositions, credentials and descriptors.
unsafe fn exec_child(plan: &mut Plan) -> i32 {
    // SAFETY: called only in the cloned child (see above). Every pointer passed is to
    // a live local (`dfl`, `empty`) or into `plan`'s C strings, NUL-terminated and kept
    // alive by the parent, which sleeps until this exec or exit. rt_sigaction is given
    // the kernel's sigaction size (4 u64s) and sigset size (8).
    unsafe {
        // The raw system call: glibc refuses to touch its reserved real-time signals,
        // and an inherited SIG_IGN on one of those must not reach the program either.
        // All zeros is SIG_DFL with no flags and an empty mask in the kernel's layout.
        let dfl = [0u64; 4];
        for sig in 1..=64 {
            if sig != libc::SIGKILL && sig != libc::SIGSTOP {
                libc::syscall(libc::SYS_rt_sigaction, sig, dfl.as_ptr(), std::ptr::null_mut::<u64>(), 8usize);
            }
        }
        if plan.detached && libc::setsid() < 0 {
            return Errno::last_raw();
        }
        if let Err(e) = stdio(&mut plan.sources) {
            return e;
        }
        if let Some(dir) = &plan.cwd
            && libc::chdir(dir.as_ptr()) < 0
        {
            return Errno::last_raw();
        }
        if plan.uid.is_some() || plan.gid.is_some() {
            libc::setgroups(0, std::ptr::null());
        }
        if let Some(gid) = plan.gid
            && libc::setgid(gid) < 0
        {
            return Errno::last_raw();
        }
        if let Some(uid) = plan.uid
            && libc::setuid(uid) < 0
        {
            return Errno::last_raw();
        }
        // Containment first (issue 14), then, as agreed, the permission policy's
        // entry (private /tmp, no_new_privs, Landlock); its seccomp seal comes last.
        if let Err(e) = super::contain::apply(&plan.contain) {
            return e;
        }
        if let Some(c) = &mut plan.confine
            && let Err(e) = confine::enter(c)
        {
            return e;
        }
        let mut empty: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut empty);
        libc::sigprocmask(libc::SIG_SETMASK, &empty, std::ptr::null_mut());
        if let Some(c) = &plan.confine
            && let Err(e) = confine::seal(c)
        {
            return e;
        }
        exec(plan)
    }
}

/// Puts each source descriptor at its index (libuv's order: first move sources
/// that an earlier `dup2` would overwrite out of the way). Stdio ends up blocking.
///
/// # Safety
/// Only in the child before exec: it rearranges the process's descriptors.
unsafe fn stdio(sources: &mut [RawFd]) -> Result<(), i32> {
    // SAFETY: fcntl and dup2 take and return integers only; this runs in the child
    // before exec (the caller's contract), where the descriptors are the child's own.
    unsafe {
        let n = sources.len() as RawFd;
        for (fd, s) in sources.iter_mut().enumerate() {
            if *s >= 0 && (*s as usize) < fd {
                let moved = libc::fcntl(*s, libc::F_DUPFD_CLOEXEC, n);
                if moved < 0 {
                    return Err(Errno::last_raw());
                }
                *s = moved;
            }
        }
        for (fd, &s) in sources.iter().enumerate() {
            let fd = fd as RawFd;
            if s < 0 {
                continue;
            }
            if s == fd {
                // Inherited in place: only the close-on-exec flag must go (a closed
                // parent descriptor simply stays closed).
                libc::fcntl(fd, libc::F_SETFD, 0);
            } else if libc::dup2(s, fd) < 0 {
                return Err(Errno::last_raw());
            }
            if fd <= 2 {
                let flags = libc::fcntl(fd, libc::F_GETFL);
                if flags >= 0 && flags & libc::O_NONBLOCK != 0 {
                    libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK);
                }
            }
        }
        Ok(())
    }
}

/// `execvpe` over the prepared candidates: ENOENT-like failures try the next
/// directory, EACCES is remembered, ENOEXEC runs the file with `/bin/sh`.
///
/// # Safety
/// Only in the child before exec; `plan`'s pointer vectors must be null-terminated
/// and point to live C strings (built by `spawn`).
unsafe fn exec(plan: &mut Plan) -> i32 {
    // SAFETY: argv, envp and sh_argv are null-terminated arrays of pointers to C
    // strings `spawn` keeps alive; `c` is a live CString and the shell path a literal.
    unsafe {
        let single = plan.candidates.len() == 1;
        let mut denied = false;
        for c in &plan.candidates {
            libc::execve(c.as_ptr(), plan.argv.as_ptr(), plan.envp.as_ptr());
            let e = Errno::last_raw();
            match e {
                libc::ENOEXEC => {
                    plan.sh_argv[1] = c.as_ptr();
                    libc::execve(c"/bin/sh".as_ptr(), plan.sh_argv.as_ptr(), plan.envp.as_ptr());
                    return Errno::last_raw();
                }
                _ if single => return e,
                libc::EACCES => denied = true,
                libc::ENOENT | libc::ENOTDIR | libc::ESTALE | libc::ENODEV | libc::ETIMEDOUT => {}
                _ => return e,
            }
        }
        if denied { libc::EACCES } else { libc::ENOENT }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::child::reap::{Status, wait};
    use std::io::Read;

    fn output(cmd: &Command) -> (String, Status) {
        let sp = spawn(cmd).unwrap();
        let mut out = String::new();
        let fd = sp.fds.into_iter().nth(1).flatten().unwrap();
        // Blocking reads until EOF: clear the parent end's O_NONBLOCK.
        // SAFETY: integer-only fcntl on a descriptor the test owns.
        unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETFL, 0) };
        let mut f = std::fs::File::from(fd);
        f.read_to_string(&mut out).unwrap();
        (out, wait(sp.pid))
    }

    #[test]
    fn runs_with_args_env_and_cwd() {
        let mut c = Command::new("sh", &["-c", "echo $0 $1 $FOO; pwd"]);
        c.argv.extend(["zero".into(), "one".into()]);
        c.env = vec![("FOO".into(), "bar".into()), ("PATH".into(), "/usr/bin:/bin".into())];
        c.cwd = Some("/".into());
        c.stdio = vec![Stdio::Ignore, Stdio::Pipe, Stdio::Inherit];
        assert_eq!(output(&c), ("zero one bar\n/\n".into(), Status::Exited(0)));
    }

    #[test]
    fn exec_failures_come_back_as_errno() {
        let mut c = Command::new("no-such-command-xyz", &[]);
        c.stdio = vec![Stdio::Ignore; 3];
        assert_eq!(spawn(&c).unwrap_err(), libc::ENOENT);
        c.file = "/etc/passwd".into();
        assert_eq!(spawn(&c).unwrap_err(), libc::EACCES);
        c.file = "sh".into();
        c.cwd = Some("/nonexistent-dir".into());
        assert_eq!(spawn(&c).unwrap_err(), libc::ENOENT);
        c.cwd = None;
        c.env = vec![("PATH".into(), "/nonexistent".into())];
        assert_eq!(spawn(&c).unwrap_err(), libc::ENOENT);
    }

    #[test]
    fn signals_are_reset_in_the_child() {
        // SAFETY: SIG_IGN installs no handler code; it only changes the disposition.
        unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
        let mut c = Command::new("sh", &["-c", "grep -E '^Sig(Ign|Blk)' /proc/self/status"]);
        c.stdio = vec![Stdio::Ignore, Stdio::Pipe, Stdio::Inherit];
        let (out, _) = output(&c);
        assert_eq!(out, "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n");
    }

    #[test]
    fn detached_child_gets_its_own_session() {
        let mut c = Command::new("sh", &["-c", "ps -o sid=,pgid= -p $$"]);
        c.stdio = vec![Stdio::Ignore, Stdio::Pipe, Stdio::Inherit];
        c.detached = true;
        let sp_out = output(&c).0;
        let ids: Vec<&str> = sp_out.split_whitespace().collect();
        assert_eq!(ids.len(), 2);
        assert_eq!(ids[0], ids[1]);
        // SAFETY: getsid takes and returns integers only.
        assert_ne!(ids[0], unsafe { libc::getsid(0) }.to_string());
    }
}
