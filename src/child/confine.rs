//! The child's side of a permission policy (`crate::perm::kernel`): a private
//! `/tmp` when asked, `no_new_privs`, the Landlock ruleset, and last, just before
//! `execve`, the seccomp program. Everything is built by the parent before the
//! clone; here are only raw system calls. They change the calling task alone: a
//! `CLONE_VM` child has its own credentials (Landlock domain, `no_new_privs`) and
//! its own seccomp state, so the parent sharing its memory is not confined.

use std::ffi::CStr;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::sync::Arc;

use crate::perm::kernel::Confinement;
use nix::errno::Errno;

/// `struct landlock_path_beneath_attr` (packed in the kernel's header).
#[repr(C, packed)]
#[derive(Clone, Copy)]
struct PathBeneathAttr {
    allowed_access: u64,
    parent_fd: i32,
}

/// `LANDLOCK_RULE_PATH_BENEATH`.
const RULE_PATH_BENEATH: libc::c_int = 1;

/// What the child reads: prepared per spawn.
pub struct Prepared {
    /// The ruleset descriptor, moved above every stdio index so the child's
    /// `dup2`s cannot overwrite it; closed on exec.
    ruleset: Option<OwnedFd>,
    prog: libc::sock_fprog,
    tmp: bool,
    /// The rule for the private `/tmp`, its `parent_fd` filled in by the child.
    tmp_rule: PathBeneathAttr,
    /// Not root: the private /tmp needs a user namespace, mapping our ids.
    userns: Option<(Vec<u8>, Vec<u8>)>,
    _keep: Arc<Confinement>,
}

/// Duplicates the ruleset to a descriptor ≥ `min_fd` and points the seccomp
/// program at the shared instructions; `uid` is the one the child will run as.
pub fn prepare(c: &Arc<Confinement>, min_fd: usize, uid: Option<u32>) -> Result<Prepared, i32> {
    let ruleset = match &c.ruleset {
        Some(fd) => Some(
            crate::sys::fd::dup_cloexec_from(fd.as_fd(), i32::try_from(min_fd).unwrap_or(i32::MAX))
                .map_err(|e| e as i32)?,
        ),
        None => None,
    };
    // SAFETY: geteuid/getegid cannot fail.
    let (euid, gid) = unsafe { (libc::geteuid(), libc::getegid()) };
    // The child mounts after switching to `uid`: only root keeps the right to.
    let uid = uid.unwrap_or(euid);
    let userns =
        (c.tmp && uid != 0).then(|| (format!("{uid} {uid} 1\0").into_bytes(), format!("{gid} {gid} 1\0").into_bytes()));
    let prog = libc::sock_fprog { len: c.bpf.len() as u16, filter: c.bpf.as_ptr() as *mut libc::sock_filter };
    let tmp_rule = PathBeneathAttr { allowed_access: c.tmp_access, parent_fd: -1 };
    Ok(Prepared { ruleset, prog, tmp: c.tmp, tmp_rule, userns, _keep: c.clone() })
}

/// Writes `text` (NUL-terminated) to `path`: uid_map and friends.
unsafe fn write_file(path: &CStr, text: &[u8]) -> Result<(), i32> {
    // SAFETY: `path` is NUL-terminated and `text` outlives the write; the
    // descriptor is opened and closed here.
    unsafe {
        let fd = libc::open(path.as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC);
        if fd < 0 {
            return Err(Errno::last_raw());
        }
        let len = text.len().saturating_sub(1);
        let n = libc::write(fd, text.as_ptr().cast(), len);
        libc::close(fd);
        if n != len as isize { Err(Errno::last_raw()) } else { Ok(()) }
    }
}

/// A new mount namespace with a fresh tmpfs on `/tmp` (in a user namespace of our
/// own first when not root), then a Landlock rule granting it.
unsafe fn private_tmp(p: &mut Prepared) -> Result<(), i32> {
    // SAFETY: raw system calls on C-string literals and on `p`, which the parent
    // keeps alive while it waits (CLONE_VFORK); they change this task's namespaces
    // and mounts only (unshare made them ours). `tmp_rule` is a packed kernel struct
    // passed by pointer, as landlock_add_rule expects.
    unsafe {
        let flags = if p.userns.is_some() { libc::CLONE_NEWUSER | libc::CLONE_NEWNS } else { libc::CLONE_NEWNS };
        if libc::unshare(flags) < 0 {
            return Err(Errno::last_raw());
        }
        if let Some((uid_map, gid_map)) = &p.userns {
            write_file(c"/proc/self/setgroups", b"deny\0")?;
            write_file(c"/proc/self/uid_map", uid_map)?;
            write_file(c"/proc/self/gid_map", gid_map)?;
        }
        // Our mounts must not propagate back to the parent's namespace.
        let none = std::ptr::null::<libc::c_char>();
        if libc::mount(none, c"/".as_ptr(), none, libc::MS_REC | libc::MS_PRIVATE, std::ptr::null()) < 0 {
            return Err(Errno::last_raw());
        }
        let opts = c"mode=1777";
        let fl = libc::MS_NOSUID | libc::MS_NODEV;
        if libc::mount(c"tmpfs".as_ptr(), c"/tmp".as_ptr(), c"tmpfs".as_ptr(), fl, opts.as_ptr().cast()) < 0 {
            return Err(Errno::last_raw());
        }
        if let Some(rs) = &p.ruleset
            && p.tmp_rule.allowed_access != 0
        {
            let fd = libc::open(c"/tmp".as_ptr(), libc::O_PATH | libc::O_CLOEXEC);
            if fd < 0 {
                return Err(Errno::last_raw());
            }
            p.tmp_rule.parent_fd = fd;
            let attr = &p.tmp_rule as *const PathBeneathAttr;
            let r = libc::syscall(libc::SYS_landlock_add_rule, rs.as_raw_fd(), RULE_PATH_BENEATH, attr, 0u32);
            libc::close(fd);
            if r < 0 {
                return Err(Errno::last_raw());
            }
        }
        Ok(())
    }
}

/// The first steps, right after containment: private /tmp, `no_new_privs`, Landlock.
///
/// # Safety
/// Only in the child between clone and exec, with `p` alive (the parent waits).
pub unsafe fn enter(p: &mut Prepared) -> Result<(), i32> {
    // SAFETY: prctl and landlock_restrict_self take integers only (the ruleset
    // descriptor is open: the parent holds it until the exec); they change this
    // task's credentials, not the parent's (no CLONE_THREAD: separate creds).
    unsafe {
        if p.tmp {
            private_tmp(p)?;
        }
        if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 {
            return Err(Errno::last_raw());
        }
        if let Some(fd) = &p.ruleset
            && libc::syscall(libc::SYS_landlock_restrict_self, fd.as_raw_fd(), 0u32) < 0
        {
            return Err(Errno::last_raw());
        }
        Ok(())
    }
}

/// The last step before `execve`: the seccomp program.
///
/// # Safety
/// As [`enter`], after it (`no_new_privs` is what allows an unprivileged filter).
pub unsafe fn seal(p: &Prepared) -> Result<(), i32> {
    // SAFETY: `p.prog` points at the instructions of the `Confinement` that `p`
    // keeps alive; the kernel copies them. No TSYNC flag: this task only.
    unsafe {
        if p.prog.len > 0
            && libc::syscall(libc::SYS_seccomp, libc::SECCOMP_SET_MODE_FILTER, 0u32, &p.prog as *const libc::sock_fprog)
                < 0
        {
            return Err(Errno::last_raw());
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "confine_tests.rs"]
mod tests;
