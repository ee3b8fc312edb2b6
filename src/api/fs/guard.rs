//! The permission check in front of every `fs` operation: which paths an operation
//! reads and which it writes (`--allow-read`, `--allow-write`). Operations on a
//! descriptor are not checked: the descriptor was opened under a check.
//!
//! The `libc::` names here are open, access and file-type flag bits, used as data; no
//! libc function is called here (system calls are [`crate::sys`]'s).

use rhai::Dynamic;

use super::args::{self, Res};
use crate::api::permission;
use crate::perm::Perm;

/// What `op` does to its path arguments: (argument index, permission).
fn needs(op: &str, flags: i32) -> &'static [(usize, Perm)] {
    const R0: &[(usize, Perm)] = &[(0, Perm::Read)];
    const W0: &[(usize, Perm)] = &[(0, Perm::Write)];
    const RW0: &[(usize, Perm)] = &[(0, Perm::Read), (0, Perm::Write)];
    match op {
        "readFile" | "readdir" | "stat" | "lstat" | "realpath" | "readlink" | "access" | "exists" => R0,
        "writeFile" | "appendFile" | "mkdir" | "mkdtemp" | "unlink" | "rmdir" | "rm" | "chmod" | "truncate" => W0,
        "rename" => &[(0, Perm::Write), (1, Perm::Write)],
        "copyFile" => &[(0, Perm::Read), (1, Perm::Write)],
        "symlink" => &[(1, Perm::Write)],
        "open" => match flags & libc::O_ACCMODE {
            libc::O_RDONLY if flags & (libc::O_CREAT | libc::O_TRUNC) == 0 => R0,
            libc::O_WRONLY => W0,
            _ => RW0,
        },
        _ => &[],
    }
}

/// Checks the path arguments of `op` under the current policy.
pub fn check(op: &str, a: &[Dynamic]) -> Res<()> {
    if crate::perm::current().is_none() {
        return Ok(());
    }
    let flags = match op {
        "open" => args::flags(a.get(1), "r")?,
        _ => 0,
    };
    for &(i, p) in needs(op, flags) {
        // A descriptor (readFile(fd)) or a missing argument: the operation reports it.
        let Some(v) = a.get(i).filter(|v| v.is_string()) else { continue };
        permission::path(p, &v.to_string())?;
    }
    Ok(())
}

/// The streams' open: `flags` decide read or write.
pub fn check_open(path: &str, flags: i32) -> Res<()> {
    for &(_, p) in needs("open", flags) {
        permission::path(p, path)?;
    }
    Ok(())
}
