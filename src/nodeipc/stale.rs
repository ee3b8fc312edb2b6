//! Clearing a Unix socket path before serving on it (`config.unlink`).
//!
//! node-ipc 9.x unlinks whatever is at the path, so a second server silently steals
//! the name from a live one. Here only a stale socket goes: a socket file nobody
//! accepts on (connect is refused). A live server, or a file that is not a socket,
//! makes the new server fail with EADDRINUSE instead.
//!
//! The probe is `sys`'s connect; the unlink goes through `std::fs`, its error made
//! `sys`'s `Errno` by [`errno::from_io`], the one conversion.

use std::os::unix::fs::FileTypeExt;
use std::path::Path;

use crate::net::{Endpoint, sys};
use crate::sys::errno::{self, Errno, SysResult};

/// Removes a stale socket at `path`; `Err(errno)` when the path is in use.
pub fn clear(path: &Path) -> SysResult<()> {
    let Ok(meta) = std::fs::symlink_metadata(path) else { return Ok(()) };
    if !meta.file_type().is_socket() {
        return Err(Errno::EADDRINUSE);
    }
    // A Unix-socket connect finishes at once: accepted, refused, or backlog full.
    match sys::connect(&Endpoint::Unix(path.to_path_buf())) {
        Ok((_probe, Some(Errno::ECONNREFUSED))) => match std::fs::remove_file(path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(errno::from_io(&e)),
        },
        Ok((_probe, Some(Errno::ENOENT))) => Ok(()),
        Ok((_probe, None | Some(Errno::EAGAIN))) => Err(Errno::EADDRINUSE),
        Ok((_, Some(e))) | Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_stale_sockets_are_removed() {
        let dir = std::env::temp_dir();
        let path = dir.join(format!("procbox-stale-{}.sock", std::process::id()));
        let _ = std::fs::remove_file(&path);
        assert_eq!(clear(&path), Ok(()), "nothing there");
        let live = sys::listen_unix(&path, 4, sys::SOCKET_MODE).unwrap();
        assert_eq!(clear(&path), Err(Errno::EADDRINUSE), "a live server keeps its path");
        drop(live);
        assert!(path.exists(), "closing a listener leaves the file behind");
        assert_eq!(clear(&path), Ok(()));
        assert!(!path.exists(), "the stale socket is gone");
        let file = dir.join(format!("procbox-stale-{}.txt", std::process::id()));
        std::fs::write(&file, b"keep me").unwrap();
        assert_eq!(clear(&file), Err(Errno::EADDRINUSE));
        assert_eq!(std::fs::read(&file).unwrap(), b"keep me");
        std::fs::remove_file(&file).unwrap();
    }
}
