//! The child's side of a permission policy (built by `crate::perm::kernel`, prepared
//! per spawn by `crate::child::confine`): a private `/tmp` when asked,
//! `no_new_privs`, the Landlock ruleset, and last, just before `execve`, the seccomp
//! program. They change the calling task alone: a `CLONE_VM` child has its own
//! credentials (Landlock domain, `no_new_privs`) and its own seccomp state, so the
//! parent sharing its memory is not confined.
//!
//! nix covers `unshare`, `mount`, `open` and the `no_new_privs` prctl; Landlock's
//! `landlock_add_rule`/`landlock_restrict_self` and `seccomp` have no wrapper in libc
//! or nix, so they are raw `syscall`s here.

use std::marker::PhantomData;
use std::os::fd::{AsRawFd, OwnedFd};

use nix::mount::{MsFlags, mount};
use nix::sched::{CloneFlags, unshare};

use crate::sys::errno::{Errno, SysResult};

/// `struct landlock_path_beneath_attr` (packed in the kernel's header).
#[repr(C, packed)]
#[derive(Clone, Copy)]
struct PathBeneathAttr {
    allowed_access: u64,
    parent_fd: i32,
}

/// `LANDLOCK_RULE_PATH_BENEATH`.
const RULE_PATH_BENEATH: libc::c_int = 1;

/// A seccomp program's instruction, as the kernel reads it.
pub use libc::sock_filter as Filter;

/// What the child reads: prepared per spawn; `'a` is the program's instructions.
pub struct Steps<'a> {
    /// The ruleset descriptor (placed above every stdio index by the caller, so the
    /// child's `dup2`s cannot overwrite it); closed on exec.
    ruleset: Option<OwnedFd>,
    prog: libc::sock_fprog,
    tmp: bool,
    /// The rule for the private `/tmp`, its `parent_fd` filled in by the child.
    tmp_rule: PathBeneathAttr,
    /// Not root: the private /tmp needs a user namespace, mapping our ids (the
    /// contents of uid_map and gid_map).
    userns: Option<(Vec<u8>, Vec<u8>)>,
    _prog: PhantomData<&'a [Filter]>,
}

impl<'a> Steps<'a> {
    /// `bpf` empty: no seccomp filter. `tmp_access`: the Landlock rights the child
    /// grants itself on its private `/tmp` once mounted.
    pub fn new(
        ruleset: Option<OwnedFd>,
        bpf: &'a [Filter],
        tmp: bool,
        tmp_access: u64,
        userns: Option<(Vec<u8>, Vec<u8>)>,
    ) -> Steps<'a> {
        // The kernel takes a mutable pointer but only reads (and copies) the program.
        let prog = libc::sock_fprog { len: bpf.len() as u16, filter: bpf.as_ptr().cast_mut() };
        let tmp_rule = PathBeneathAttr { allowed_access: tmp_access, parent_fd: -1 };
        Steps { ruleset, prog, tmp, tmp_rule, userns, _prog: PhantomData }
    }
}

/// A new mount namespace with a fresh tmpfs on `/tmp` (in a user namespace of our
/// own first when not root), then a Landlock rule granting it.
fn private_tmp(p: &mut Steps<'_>) -> SysResult<()> {
    let flags =
        if p.userns.is_some() { CloneFlags::CLONE_NEWUSER | CloneFlags::CLONE_NEWNS } else { CloneFlags::CLONE_NEWNS };
    unshare(flags)?;
    if let Some((uid_map, gid_map)) = &p.userns {
        super::write_proc(c"/proc/self/setgroups", b"deny")?;
        super::write_proc(c"/proc/self/uid_map", uid_map)?;
        super::write_proc(c"/proc/self/gid_map", gid_map)?;
    }
    // Our mounts must not propagate back to the parent's namespace.
    let none: Option<&std::ffi::CStr> = None;
    mount(none, c"/", none, MsFlags::MS_REC | MsFlags::MS_PRIVATE, none)?;
    let fl = MsFlags::MS_NOSUID | MsFlags::MS_NODEV;
    mount(Some(c"tmpfs"), c"/tmp", Some(c"tmpfs"), fl, Some(c"mode=1777"))?;
    if let Some(rs) = &p.ruleset
        && p.tmp_rule.allowed_access != 0
    {
        use nix::fcntl::{OFlag, open};
        let dir = open(c"/tmp", OFlag::O_PATH | OFlag::O_CLOEXEC, nix::sys::stat::Mode::empty())?;
        p.tmp_rule.parent_fd = dir.as_raw_fd();
        let attr = &p.tmp_rule as *const PathBeneathAttr;
        // SAFETY: landlock_add_rule reads the packed kernel struct `attr` points to
        // (a live field of `p`); both descriptors are open for the call.
        let r = unsafe { libc::syscall(libc::SYS_landlock_add_rule, rs.as_raw_fd(), RULE_PATH_BENEATH, attr, 0u32) };
        if r < 0 {
            return Err(Errno::last());
        }
    }
    Ok(())
}

/// The first steps, right after containment: private /tmp, `no_new_privs`, Landlock.
///
/// # Safety
/// Only in the child between clone and exec, with `p` alive (the parent waits).
pub(super) unsafe fn enter(p: &mut Steps<'_>) -> SysResult<()> {
    if p.tmp {
        private_tmp(p)?;
    }
    nix::sys::prctl::set_no_new_privs()?;
    if let Some(fd) = &p.ruleset {
        // SAFETY: landlock_restrict_self takes integers only (the ruleset descriptor
        // is open: `p` holds it until the exec); it changes this task's credentials,
        // not the parent's (no CLONE_THREAD: separate creds).
        if unsafe { libc::syscall(libc::SYS_landlock_restrict_self, fd.as_raw_fd(), 0u32) } < 0 {
            return Err(Errno::last());
        }
    }
    Ok(())
}

/// The last step before `execve`: the seccomp program.
///
/// # Safety
/// As [`enter`], after it (`no_new_privs` is what allows an unprivileged filter).
pub(super) unsafe fn seal(p: &Steps<'_>) -> SysResult<()> {
    if p.prog.len > 0 {
        let prog = &p.prog as *const libc::sock_fprog;
        // SAFETY: `p.prog` points at the instructions `'a` keeps alive; the kernel
        // copies them. No TSYNC flag: this task only.
        if unsafe { libc::syscall(libc::SYS_seccomp, libc::SECCOMP_SET_MODE_FILTER, 0u32, prog) } < 0 {
            return Err(Errno::last());
        }
    }
    Ok(())
}
