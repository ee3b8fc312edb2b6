//! The per-user directory that holds node-ipc sockets by default (`socketRoot`).
//!
//! node-ipc's own default, `/tmp/app.<id>`, is shared by every user: another user can
//! squat the name, and our client then talks to their server. procbox uses
//! `$XDG_RUNTIME_DIR/` when it is set (made 0700 by the login manager), else
//! `<temp dir>/procbox-<uid>/`, which a server creates 0700 and, when it already
//! exists, accepts only if it is a real directory owned by us and closed to others;
//! a client connecting into it checks the same before it connects.
//!
//! The directory calls go through `std::fs` (paths, not strings); their errors become
//! `sys`'s `Errno` through [`errno::from_io`], the one conversion.

use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::sys::errno::{self, Errno, SysResult};
use crate::sys::task::uid;

/// The private directory under the temp dir (honours `TMPDIR`, as `os.tmpdir()`).
pub fn private_dir() -> PathBuf {
    std::env::temp_dir().join(format!("procbox-{}", uid()))
}

/// The default `socketRoot`, with its trailing `/` (node-ipc concatenates).
pub fn default_root() -> String {
    let dir = match std::env::var_os("XDG_RUNTIME_DIR") {
        Some(d) if Path::new(&d).is_absolute() => PathBuf::from(d),
        _ => private_dir(),
    };
    let mut root = dir.to_string_lossy().into_owned();
    if !root.ends_with('/') {
        root.push('/');
    }
    root
}

/// Before serving at `socket`: when it lies directly in [`private_dir`], makes sure
/// that directory exists, is ours and is 0700. `Err(errno)` when it is not safe to use
/// (EACCES: someone else's, or not a directory).
pub fn prepare(socket: &Path) -> SysResult<()> {
    let dir = private_dir();
    if socket.parent() != Some(dir.as_path()) {
        return Ok(());
    }
    match std::fs::DirBuilder::new().mode(0o700).create(&dir) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(errno::from_io(&e)),
    }
    // symlink_metadata: a symlink planted at the name is refused, not followed.
    let meta = std::fs::symlink_metadata(&dir).map_err(|e| errno::from_io(&e))?;
    if !meta.is_dir() || meta.uid() != uid() {
        return Err(Errno::EACCES);
    }
    if meta.mode() & 0o777 != 0o700 {
        // Ours but opened up (by us, or a umask at creation): close it again.
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).map_err(|e| errno::from_io(&e))?;
    }
    Ok(())
}

/// Before connecting to `socket`: when it lies directly in [`private_dir`] and that
/// exists, it must be a real directory of ours closed to others (EACCES otherwise),
/// so a client never reaches a socket another user placed there. Missing is fine:
/// the connect then fails with ENOENT like any absent server.
pub fn trusted(socket: &Path) -> SysResult<()> {
    let dir = private_dir();
    if socket.parent() != Some(dir.as_path()) {
        return Ok(());
    }
    match std::fs::symlink_metadata(&dir) {
        Err(_) => Ok(()),
        Ok(m) if m.is_dir() && m.uid() == uid() && m.mode() & 0o077 == 0 => Ok(()),
        Ok(_) => Err(Errno::EACCES),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_private_dir_is_prepared() {
        assert_eq!(prepare(Path::new("/nonexistent-procbox/x")), Ok(()), "other paths are left alone");
        let sock = private_dir().join("app.sockdir-test");
        assert_eq!(prepare(&sock), Ok(()));
        let meta = std::fs::symlink_metadata(private_dir()).unwrap();
        assert!(meta.is_dir());
        assert_eq!((meta.mode() & 0o777, meta.uid()), (0o700, uid()));
        assert!(default_root().ends_with('/'));
    }
}
