//! Starting a child the way glibc's `posix_spawn` does: `clone(CLONE_VM |
//! CLONE_VFORK)` on a small private stack, so no page tables are copied and the
//! parent sleeps until the child has called `execve` (or failed to). This is the
//! mechanism; what to run and with which limits is decided by `crate::child` and
//! `crate::perm`, which hand over a [`Plan`].
//!
//! The child runs on the parent's memory, so everything it touches is prepared
//! beforehand (the [`Plan`]) and it only makes system calls that neither allocate
//! nor take locks (nix wrappers where they are that, raw calls elsewhere): reset
//! every signal disposition and the mask (procbox catches signals and ignores
//! SIGPIPE; a child must not inherit that), `setsid` when detached, its stdio
//! ([`stdio`]), `chdir`, the credentials, containment ([`contain`]), the permission
//! policy ([`confine`]), then `execve` each `PATH` candidate as `execvpe` does
//! ([`exec`]). If that fails it writes `errno` to a close-on-exec pipe and exits with
//! 127: the parent reads the pipe (empty means the exec succeeded), reaps the failed
//! child at once, and reports the error, as libuv does. Every descriptor procbox
//! opens is close-on-exec from birth, so the child gets exactly its stdio.
//!
//! Inside the child descriptors are plain numbers (`RawFd`): after the clone nothing
//! may allocate or drop, and `dup2` rearranges them. Outside, they are borrowed
//! ([`Source`]) from the owners in the caller, which outlive the exec.

pub mod confine;
pub mod contain;
pub mod exec;
mod stdio;

use std::cell::RefCell;
use std::ffi::CString;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};

use nix::sched::CloneFlags;
use nix::sys::signal::{SigSet, SigmaskHow, pthread_sigmask, sigprocmask};
use nix::unistd::{Gid, Uid};

use super::errno::{Errno, SysResult};

/// The child's stack while it prepares the exec: it only runs a few small frames.
const STACK_BYTES: usize = 64 * 1024;

thread_local! {
    /// That stack, allocated (and zeroed) once per thread that spawns: the child runs
    /// on it only while this thread sleeps in the vfork-style `clone`, so one per
    /// thread is enough. (A fresh zeroed 64 KiB per spawn was a quarter of the
    /// parent's instructions in `bench/child`'s spawn loop.)
    static STACK: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// What goes at one stdio index of the child.
#[derive(Clone, Copy, Debug)]
pub enum Source<'a> {
    /// A descriptor the caller owns (a pipe end, `/dev/null`).
    Fd(BorrowedFd<'a>),
    /// A parent descriptor named by number (`Inherit`, Node's `stdio: [n]`): it may
    /// not be open, and then the child's stays closed (in place) or the spawn fails
    /// with EBADF (moved).
    Number(RawFd),
    /// Nothing: the child's descriptor stays as the clone left it (closed on exec).
    None,
}

/// Everything the child reads, built by the caller before the clone.
pub struct Plan<'a> {
    pub program: exec::Program,
    pub cwd: Option<CString>,
    /// Per child descriptor, what to put there.
    pub stdio: Vec<Source<'a>>,
    /// A new session (`setsid`).
    pub detached: bool,
    pub uid: Option<u32>,
    pub gid: Option<u32>,
    pub contain: contain::Steps,
    /// The permission policy's kernel side, if any.
    pub confine: Option<confine::Steps<'a>>,
}

/// The plan with its descriptors as numbers: what the child works on.
struct Child<'a> {
    plan: Plan<'a>,
    sources: Vec<RawFd>,
    /// The error pipe's write end, owned by `spawn`'s `err_w` until the child exec'd.
    err_fd: RawFd,
}

/// Starts `plan`; the child's pid. `Err` when it could not run: ENOENT/EACCES from
/// the exec, ENOENT/ENOTDIR from `cwd`, EAGAIN from the process limit, or whatever a
/// containment or confinement step failed with.
pub fn spawn(plan: Plan<'_>) -> SysResult<i32> {
    let sources = plan
        .stdio
        .iter()
        .map(|s| match s {
            Source::Fd(fd) => fd.as_raw_fd(),
            Source::Number(n) => *n,
            Source::None => -1,
        })
        .collect();
    let (err_r, err_w) = super::fd::pipe()?;
    let flags = CloneFlags::CLONE_VM | CloneFlags::CLONE_VFORK | plan.contain.clone_flags();
    let mut child = Child { plan, sources, err_fd: err_w.as_raw_fd() };
    // Block every signal around the clone: a handler running in the child would write
    // into procbox's signal pipe. The child resets the dispositions, then unblocks.
    let mut old = SigSet::empty();
    pthread_sigmask(SigmaskHow::SIG_SETMASK, Some(&SigSet::all()), Some(&mut old))?;
    let pid = STACK.with_borrow_mut(|stack| {
        if stack.is_empty() {
            stack.resize(STACK_BYTES, 0);
        }
        // SAFETY: with CLONE_VFORK this thread sleeps until the child execs or exits,
        // so `stack` (the child's only stack, which `child_main`'s few frames fit in)
        // and `child` (everything the child reads, no allocation needed) outlive its
        // use of them; the child makes only the calls `exec_child` allows.
        unsafe { nix::sched::clone(Box::new(|| child_main(&mut child)), stack, flags, Some(libc::SIGCHLD)) }
    });
    // Cannot fail (a valid `how`); a failure must not leak the child started.
    let _ = pthread_sigmask(SigmaskHow::SIG_SETMASK, Some(&old), None);
    drop(err_w);
    let pid = pid?.as_raw();

    let mut code = [0u8; std::mem::size_of::<i32>()];
    let n = loop {
        match nix::unistd::read(err_r.as_fd(), &mut code) {
            Err(Errno::EINTR) => continue,
            r => break r.unwrap_or(0),
        }
    };
    if n == code.len() {
        // The failed child exited with 127: reap it now, nobody else knows its pid.
        while super::process::waitpid(pid, 0) == Err(Errno::EINTR) {}
        return Err(Errno::from_raw(i32::from_ne_bytes(code)));
    }
    Ok(pid)
}

/// The child's side; it never returns.
fn child_main(child: &mut Child<'_>) -> isize {
    // SAFETY: we are the cloned child, before exec, on the parent's memory: what
    // exec_child requires.
    let err = unsafe { exec_child(child) };
    // SAFETY: `err_fd` is the error pipe's write end, open in the child until the exec
    // (which did not happen), for this one call.
    let pipe = unsafe { BorrowedFd::borrow_raw(child.err_fd) };
    let _ = nix::unistd::write(pipe, &(err as i32).to_ne_bytes());
    // SAFETY: _exit skips atexit handlers and stdio flushing, which belong to the
    // parent whose memory we share.
    unsafe { libc::_exit(127) }
}

/// Prepares the child and execs; returns the errno only when that failed.
///
/// # Safety
/// Only in the child of the vfork-style clone, before exec: it changes the process's
/// signal dispositions, credentials and descriptors.
unsafe fn exec_child(child: &mut Child<'_>) -> Errno {
    let plan = &mut child.plan;
    exec::reset_signals();
    if plan.detached
        && let Err(e) = nix::unistd::setsid()
    {
        return e;
    }
    // SAFETY: in the child before exec (our caller's contract).
    if let Err(e) = unsafe { stdio::arrange(&mut child.sources) } {
        return e;
    }
    if let Some(dir) = &plan.cwd
        && let Err(e) = nix::unistd::chdir(dir.as_c_str())
    {
        return e;
    }
    if plan.uid.is_some() || plan.gid.is_some() {
        let _ = nix::unistd::setgroups(&[]);
    }
    if let Some(gid) = plan.gid
        && let Err(e) = nix::unistd::setgid(Gid::from_raw(gid))
    {
        return e;
    }
    if let Some(uid) = plan.uid
        && let Err(e) = nix::unistd::setuid(Uid::from_raw(uid))
    {
        return e;
    }
    // Containment first (issue 14), then, as agreed, the permission policy's
    // entry (private /tmp, no_new_privs, Landlock); its seccomp seal comes last.
    // SAFETY: in the child before exec, on the plan the parent keeps alive.
    if let Err(e) = unsafe { contain::apply(&plan.contain) } {
        return e;
    }
    if let Some(c) = &mut plan.confine
        // SAFETY: as above.
        && let Err(e) = unsafe { confine::enter(c) }
    {
        return e;
    }
    let _ = sigprocmask(SigmaskHow::SIG_SETMASK, Some(&SigSet::empty()), None);
    if let Some(c) = &plan.confine
        // SAFETY: as above, after `enter`.
        && let Err(e) = unsafe { confine::seal(c) }
    {
        return e;
    }
    // SAFETY: in the child before exec; `program` was built by `Program::new`.
    unsafe { exec::exec(&mut plan.program) }
}

/// Writes `text` to a `/proc/self` file (uid_map and friends) from the child: nix's
/// `open` on a C string and `write` allocate nothing; the descriptor closes on drop.
fn write_proc(path: &std::ffi::CStr, text: &[u8]) -> SysResult<()> {
    use nix::fcntl::{OFlag, open};
    let fd = open(path, OFlag::O_WRONLY | OFlag::O_CLOEXEC, nix::sys::stat::Mode::empty())?;
    match nix::unistd::write(&fd, text)? {
        n if n == text.len() => Ok(()),
        _ => Err(Errno::last()),
    }
}
