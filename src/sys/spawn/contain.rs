//! The child's containment steps between clone and exec (what to contain is decided
//! in `crate::child::contain`): its user-namespace maps when an unprivileged parent
//! gave it a PID namespace, its own process group, its rlimits, then the lifeline
//! last (`PR_SET_PDEATHSIG` with the parent re-check), because a credential change
//! clears `PDEATHSIG`. All through nix, whose wrappers here allocate nothing.
//!
//! The PID namespace is not a step of the child: it is a `clone` flag
//! ([`Steps::clone_flags`]).

use nix::sched::CloneFlags;
use nix::sys::resource::{Resource, rlim_t, setrlimit};
use nix::sys::signal::Signal;
use nix::unistd::Pid;

pub use nix::sys::resource::Resource as Rlimit;

use crate::sys::errno::SysResult;

/// What the child does, prepared by the parent: numbers and byte strings only.
#[derive(Default)]
pub struct Steps {
    /// `setpgid(0, 0)`: its own process group.
    pub group: bool,
    /// SIGKILL when the parent (`parent`) dies.
    pub lifeline: bool,
    /// Our pid, for the lifeline's re-check after arming.
    pub parent: i32,
    /// (resource, soft, hard).
    pub rlimits: Vec<(Resource, rlim_t, rlim_t)>,
    /// Born into a new PID namespace.
    pub pid_ns: bool,
    /// `Some` when the namespace needs a user namespace too (we are not root): the
    /// contents of `/proc/self/uid_map` and `gid_map`.
    pub maps: Option<(Vec<u8>, Vec<u8>)>,
}

impl Steps {
    /// Flags the clone needs on top of procbox's own.
    pub fn clone_flags(&self) -> CloneFlags {
        match (self.pid_ns, self.maps.is_some()) {
            (false, _) => CloneFlags::empty(),
            (true, false) => CloneFlags::CLONE_NEWPID,
            (true, true) => CloneFlags::CLONE_NEWPID | CloneFlags::CLONE_NEWUSER,
        }
    }
}

/// The hard limit on `res` (unlimited when it cannot be read), in the parent: a
/// child's limit can only be lowered below it.
pub fn hard_limit(res: Resource) -> rlim_t {
    nix::sys::resource::getrlimit(res).map_or(libc::RLIM_INFINITY, |(_, hard)| hard)
}

/// The containment steps; `Err(errno)` fails the spawn.
///
/// # Safety
/// Only in the spawned child before `execve`: it changes the calling process.
pub(super) unsafe fn apply(p: &Steps) -> SysResult<()> {
    if let Some((uid_map, gid_map)) = &p.maps {
        // An unprivileged process may map only its own ids, and only after
        // giving up setgroups in the namespace.
        super::write_proc(c"/proc/self/setgroups", b"deny")?;
        super::write_proc(c"/proc/self/uid_map", uid_map)?;
        super::write_proc(c"/proc/self/gid_map", gid_map)?;
    }
    if p.group {
        nix::unistd::setpgid(Pid::from_raw(0), Pid::from_raw(0))?;
    }
    for &(res, soft, hard) in &p.rlimits {
        setrlimit(res, soft, hard)?;
    }
    if p.lifeline {
        nix::sys::prctl::set_pdeathsig(Signal::SIGKILL)?;
        // The arming race: if procbox died before the prctl, nothing will fire,
        // and we have been re-parented. (In a new PID namespace our parent is
        // outside it and getppid() is 0: procbox is alive while it waits on the
        // vfork, and the lifeline then covers what follows.)
        let ppid = nix::unistd::getppid().as_raw();
        if ppid != p.parent && !(p.pid_ns && ppid == 0) {
            // SAFETY: _exit ends the child at once, skipping the parent's atexit
            // handlers (we share its memory).
            unsafe { libc::_exit(128 + libc::SIGKILL) };
        }
    }
    Ok(())
}
