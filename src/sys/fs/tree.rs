//! Operations on names: directories, stats, links, removal, renames and copies.

use std::fs;
use std::io::Write;
use std::os::fd::RawFd;
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, MetadataExt, OpenOptionsExt};

use super::{FsError, FsResult, Kind, Stat, cstr};
use crate::sys::errno::{self, Errno};

pub fn exists(path: &str) -> bool {
    fs::metadata(path).is_ok()
}

/// `mkdir`; recursive gives the first directory it created (Node's return value).
pub fn mkdir(path: &str, recursive: bool, mode: u32) -> FsResult<Option<String>> {
    if !recursive {
        return fs::DirBuilder::new()
            .mode(mode)
            .create(path)
            .map(|_| None)
            .map_err(|e| FsError::io(e, "mkdir", Some(path)));
    }
    // Walk up to the first existing ancestor, then create downwards.
    let mut missing = Vec::new();
    let mut cur = std::path::PathBuf::from(path);
    loop {
        match fs::metadata(&cur) {
            Ok(m) if m.is_dir() => break,
            Ok(_) => {
                let errno = if missing.is_empty() { Errno::EEXIST } else { Errno::ENOTDIR };
                return Err(FsError::new(errno, "mkdir", Some(path)));
            }
            Err(_) => {
                missing.push(cur.clone());
                match cur.parent() {
                    Some(p) if !p.as_os_str().is_empty() => cur = p.to_path_buf(),
                    _ => break,
                }
            }
        }
    }
    let first = missing.last().map(|p| p.display().to_string());
    for dir in missing.iter().rev() {
        if let Err(e) = fs::DirBuilder::new().mode(mode).create(dir)
            && e.kind() != std::io::ErrorKind::AlreadyExists
        {
            return Err(FsError::io(e, "mkdir", Some(path)));
        }
    }
    Ok(first)
}

/// `mkdtemp(prefix)`: `prefix` + six random characters.
pub fn mkdtemp(prefix: &str) -> FsResult<String> {
    let template = format!("{prefix}XXXXXX");
    cstr(&template)?; // a NUL inside is EINVAL, as for every path here
    match nix::unistd::mkdtemp(template.as_str()) {
        Ok(dir) => Ok(dir.to_string_lossy().into_owned()),
        Err(e) => Err(FsError::new(e, "mkdtemp", Some(&template))),
    }
}

/// `readdir`: names in byte order (libuv's scandir sorts them), with their types.
pub fn readdir(path: &str) -> FsResult<Vec<(String, Kind)>> {
    let rd = fs::read_dir(path).map_err(|e| FsError::io(e, "scandir", Some(path)))?;
    let mut out = Vec::new();
    for ent in rd {
        let ent = ent.map_err(|e| FsError::io(e, "scandir", Some(path)))?;
        let kind = match ent.file_type() {
            Ok(t) if t.is_symlink() => Kind::Symlink,
            Ok(t) if t.is_dir() => Kind::Dir,
            Ok(t) if t.is_file() => Kind::File,
            Ok(t) if t.is_fifo() => Kind::Fifo,
            Ok(t) if t.is_socket() => Kind::Socket,
            Ok(t) if t.is_char_device() => Kind::Char,
            Ok(t) if t.is_block_device() => Kind::Block,
            _ => Kind::Unknown,
        };
        out.push((ent.file_name().to_string_lossy().into_owned(), kind));
    }
    out.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    Ok(out)
}

pub fn stat(path: &str) -> FsResult<Stat> {
    fs::metadata(path).map(|m| Stat::of(&m)).map_err(|e| FsError::io(e, "stat", Some(path)))
}

pub fn lstat(path: &str) -> FsResult<Stat> {
    fs::symlink_metadata(path).map(|m| Stat::of(&m)).map_err(|e| FsError::io(e, "lstat", Some(path)))
}

pub fn fstat(fd: RawFd) -> FsResult<Stat> {
    // SAFETY: a File borrowed from a descriptor the script owns; ManuallyDrop keeps
    // it from being closed here.
    let f = std::mem::ManuallyDrop::new(unsafe { <fs::File as std::os::fd::FromRawFd>::from_raw_fd(fd) });
    f.metadata().map(|m| Stat::of(&m)).map_err(|e| FsError::io(e, "fstat", None))
}

pub fn unlink(path: &str) -> FsResult<()> {
    fs::remove_file(path).map_err(|e| FsError::io(e, "unlink", Some(path)))
}

pub fn rmdir(path: &str) -> FsResult<()> {
    fs::remove_dir(path).map_err(|e| FsError::io(e, "rmdir", Some(path)))
}

/// Why `rm` refused: a system error, or a directory without `recursive` (Node's
/// `ERR_FS_EISDIR`).
pub enum Failure {
    Sys(FsError),
    IsDir(String),
}

/// `rm(path, {recursive, force})`: `force` ignores a missing path.
pub fn rm(path: &str, recursive: bool, force: bool) -> Result<(), Failure> {
    let st = match lstat(path) {
        Ok(st) => st,
        Err(e) if force && e.errno == Errno::ENOENT => return Ok(()),
        Err(e) => return Err(Failure::Sys(e)),
    };
    if st.kind() != Kind::Dir {
        return unlink(path).map_err(Failure::Sys);
    }
    if !recursive {
        return Err(Failure::IsDir(path.to_string()));
    }
    fs::remove_dir_all(path).map_err(|e| Failure::Sys(FsError::io(e, "rm", Some(path))))
}

pub fn rename(from: &str, to: &str) -> FsResult<()> {
    fs::rename(from, to).map_err(|e| FsError::io(e, "rename", Some(from)).with_dest(to))
}

pub fn copy_file(from: &str, to: &str, excl: bool) -> FsResult<()> {
    let fail = |e: std::io::Error| FsError::io(e, "copyfile", Some(from)).with_dest(to);
    let mut src = fs::File::open(from).map_err(fail)?;
    let mode = src.metadata().map_err(fail)?.mode();
    let mut opts = fs::OpenOptions::new();
    opts.write(true).mode(mode);
    if excl {
        opts.create_new(true);
    } else {
        opts.create(true).truncate(true);
    }
    let mut dst = opts.open(to).map_err(fail)?;
    std::io::copy(&mut src, &mut dst).map_err(fail)?;
    dst.flush().map_err(fail)?;
    Ok(())
}

/// `realpath`: on failure Node names the first component that cannot be `lstat`ed.
pub fn realpath(path: &str) -> FsResult<String> {
    match fs::canonicalize(path) {
        Ok(p) => Ok(p.display().to_string()),
        Err(e) => {
            let errno = errno::from_io(&e);
            let abs = crate::sys::path::resolve(&[path], &crate::sys::task::cwd().unwrap_or_default());
            let mut prefix = String::new();
            for part in abs.split('/').filter(|p| !p.is_empty()) {
                prefix.push('/');
                prefix.push_str(part);
                lstat(&prefix)?;
            }
            Err(FsError::new(errno, "lstat", Some(path)))
        }
    }
}

pub fn readlink(path: &str) -> FsResult<String> {
    fs::read_link(path).map(|p| p.display().to_string()).map_err(|e| FsError::io(e, "readlink", Some(path)))
}

pub fn symlink(target: &str, path: &str) -> FsResult<()> {
    std::os::unix::fs::symlink(target, path).map_err(|e| FsError::io(e, "symlink", Some(target)).with_dest(path))
}

pub fn chmod(path: &str, mode: u32) -> FsResult<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).map_err(|e| FsError::io(e, "chmod", Some(path)))
}

/// `access(path, mode)` (F_OK = 0, R_OK = 4, W_OK = 2, X_OK = 1).
pub fn access(path: &str, mode: i32) -> FsResult<()> {
    cstr(path)?;
    let mode = nix::unistd::AccessFlags::from_bits_truncate(mode);
    nix::unistd::access(path, mode).map_err(|e| FsError::new(e, "access", Some(path)))
}
