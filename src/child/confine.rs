//! The child's side of a permission policy (`crate::perm::kernel`), prepared per
//! spawn: which ruleset descriptor, which seccomp program, and whether the private
//! `/tmp` needs a user namespace. The steps themselves (private `/tmp`,
//! `no_new_privs`, Landlock, seccomp) run in the child, in
//! [`sys::spawn::confine`](crate::sys::spawn::confine).

use std::os::fd::AsFd;

use crate::perm::kernel::Confinement;
use crate::sys::errno::SysResult;
use crate::sys::spawn::confine::Steps;

/// Duplicates the ruleset to a descriptor ≥ `min_fd` (so the child's stdio `dup2`s
/// cannot overwrite it) and points the seccomp program at `c`'s instructions; `uid`
/// is the one the child will run as.
pub fn prepare(c: &Confinement, min_fd: usize, uid: Option<u32>) -> SysResult<Steps<'_>> {
    let ruleset = match &c.ruleset {
        Some(fd) => Some(crate::sys::fd::dup_cloexec_from(fd.as_fd(), i32::try_from(min_fd).unwrap_or(i32::MAX))?),
        None => None,
    };
    let (euid, gid) = (crate::sys::task::euid(), crate::sys::task::egid());
    // The child mounts after switching to `uid`: only root keeps the right to.
    let uid = uid.unwrap_or(euid);
    let userns =
        (c.tmp && uid != 0).then(|| (format!("{uid} {uid} 1").into_bytes(), format!("{gid} {gid} 1").into_bytes()));
    Ok(Steps::new(ruleset, &c.bpf, c.tmp, c.tmp_access, userns))
}

#[cfg(test)]
#[path = "confine_tests.rs"]
mod tests;
