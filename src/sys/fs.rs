//! The file operations behind `fs`, Rhai-free and thread-safe, so the same code runs
//! on the loop (the `*Sync` forms) and on a worker (callbacks, promises). Each failure
//! names the system call Node's would (`open`, `scandir`, `copyfile`…) and the paths,
//! so the binding can build Node's message: `ENOENT: no such file or directory, open '/x'`.

use std::ffi::CString;
use std::fs;
use std::io::Write;
use std::os::fd::RawFd;
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, MetadataExt, OpenOptionsExt};

/// A failed system call, as Node reports it.
#[derive(Debug, Clone)]
pub struct FsError {
    pub errno: i32,
    pub syscall: &'static str,
    pub path: Option<String>,
    pub dest: Option<String>,
}

pub type FsResult<T> = Result<T, FsError>;

impl FsError {
    pub fn new(errno: i32, syscall: &'static str, path: Option<&str>) -> FsError {
        FsError { errno, syscall, path: path.map(String::from), dest: None }
    }

    fn io(e: std::io::Error, syscall: &'static str, path: Option<&str>) -> FsError {
        FsError::new(e.raw_os_error().unwrap_or(libc::EIO), syscall, path)
    }

    fn with_dest(mut self, dest: &str) -> FsError {
        self.dest = Some(dest.to_string());
        self
    }

    /// Node's message: `ENOENT: no such file or directory, open '/x'`.
    pub fn message(&self) -> String {
        let mut m = format!("{}: {}, {}", super::errno::code(self.errno), super::errno::message(self.errno), self.syscall);
        if let Some(p) = &self.path {
            m.push_str(&format!(" '{p}'"));
        }
        if let Some(d) = &self.dest {
            m.push_str(&format!(" -> '{d}'"));
        }
        m
    }
}

/// What `stat` reports (`fs.Stats`); times in milliseconds since the epoch.
#[derive(Debug, Clone)]
pub struct Stat {
    pub dev: i64,
    pub ino: i64,
    pub mode: i64,
    pub nlink: i64,
    pub uid: i64,
    pub gid: i64,
    pub rdev: i64,
    pub size: i64,
    pub blksize: i64,
    pub blocks: i64,
    pub atime_ms: f64,
    pub mtime_ms: f64,
    pub ctime_ms: f64,
    pub birthtime_ms: f64,
}

fn ms(secs: i64, nsec: i64) -> f64 {
    secs as f64 * 1000.0 + nsec as f64 / 1e6
}

impl Stat {
    fn of(m: &fs::Metadata) -> Stat {
        let birth = m
            .created()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_secs_f64() * 1000.0)
            .unwrap_or(ms(m.ctime(), m.ctime_nsec()));
        Stat {
            dev: m.dev() as i64,
            ino: m.ino() as i64,
            mode: m.mode() as i64,
            nlink: m.nlink() as i64,
            uid: m.uid() as i64,
            gid: m.gid() as i64,
            rdev: m.rdev() as i64,
            size: m.size() as i64,
            blksize: m.blksize() as i64,
            blocks: m.blocks() as i64,
            atime_ms: ms(m.atime(), m.atime_nsec()),
            mtime_ms: ms(m.mtime(), m.mtime_nsec()),
            ctime_ms: ms(m.ctime(), m.ctime_nsec()),
            birthtime_ms: birth,
        }
    }

    fn kind(&self) -> u32 {
        self.mode as u32 & libc::S_IFMT
    }
    pub fn is_file(&self) -> bool {
        self.kind() == libc::S_IFREG
    }
    pub fn is_dir(&self) -> bool {
        self.kind() == libc::S_IFDIR
    }
    pub fn is_symlink(&self) -> bool {
        self.kind() == libc::S_IFLNK
    }
    pub fn is_fifo(&self) -> bool {
        self.kind() == libc::S_IFIFO
    }
    pub fn is_socket(&self) -> bool {
        self.kind() == libc::S_IFSOCK
    }
    pub fn is_char_device(&self) -> bool {
        self.kind() == libc::S_IFCHR
    }
    pub fn is_block_device(&self) -> bool {
        self.kind() == libc::S_IFBLK
    }
}

/// A directory entry's type, as `Dirent` reports it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    File,
    Dir,
    Symlink,
    Fifo,
    Socket,
    Char,
    Block,
    Unknown,
}

/// Parses Node's string flags (`r`, `w`, `a`, `wx`, `r+`…) into open(2) flags.
pub fn parse_flags(flags: &str) -> Option<i32> {
    use libc::*;
    Some(match flags {
        "r" | "rs" | "sr" => O_RDONLY,
        "rs+" | "sr+" => O_RDWR | O_SYNC,
        "r+" => O_RDWR,
        "w" => O_TRUNC | O_CREAT | O_WRONLY,
        "wx" | "xw" => O_TRUNC | O_CREAT | O_WRONLY | O_EXCL,
        "w+" => O_TRUNC | O_CREAT | O_RDWR,
        "wx+" | "xw+" => O_TRUNC | O_CREAT | O_RDWR | O_EXCL,
        "a" => O_APPEND | O_CREAT | O_WRONLY,
        "ax" | "xa" => O_APPEND | O_CREAT | O_WRONLY | O_EXCL,
        "as" | "sa" => O_APPEND | O_CREAT | O_WRONLY | O_SYNC,
        "a+" => O_APPEND | O_CREAT | O_RDWR,
        "ax+" | "xa+" => O_APPEND | O_CREAT | O_RDWR | O_EXCL,
        "as+" | "sa+" => O_APPEND | O_CREAT | O_RDWR | O_SYNC,
        _ => return None,
    })
}

fn cstr(path: &str) -> FsResult<CString> {
    CString::new(path).map_err(|_| FsError::new(libc::EINVAL, "open", Some(path)))
}

/// `open(2)` with close-on-exec (a child gets the fd only through `stdio`).
pub fn open(path: &str, flags: i32, mode: u32) -> FsResult<RawFd> {
    let c = cstr(path)?;
    // SAFETY: `c` is a valid NUL-terminated path for the duration of the call.
    let fd = unsafe { libc::open(c.as_ptr(), flags | libc::O_CLOEXEC, mode as libc::c_uint) };
    if fd < 0 { Err(FsError::io(std::io::Error::last_os_error(), "open", Some(path))) } else { Ok(fd) }
}

pub fn close(fd: RawFd) -> FsResult<()> {
    // SAFETY: closing a descriptor the script owns; a bad one gives EBADF.
    if unsafe { libc::close(fd) } < 0 {
        return Err(FsError::io(std::io::Error::last_os_error(), "close", None));
    }
    Ok(())
}

/// `write(2)` (or `pwrite` at `position`), retried on EINTR; bytes written.
pub fn write(fd: RawFd, data: &[u8], position: Option<i64>) -> FsResult<usize> {
    loop {
        // SAFETY: the pointer and length describe `data`, alive for the call.
        let n = unsafe {
            match position {
                Some(p) => libc::pwrite(fd, data.as_ptr().cast(), data.len(), p),
                None => libc::write(fd, data.as_ptr().cast(), data.len()),
            }
        };
        if n >= 0 {
            return Ok(n as usize);
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(FsError::io(e, "write", None));
        }
    }
}

/// Writes all of `data`.
pub fn write_all(fd: RawFd, mut data: &[u8]) -> FsResult<()> {
    while !data.is_empty() {
        let n = write(fd, data, None)?;
        data = &data[n..];
    }
    Ok(())
}

/// `read(2)` (or `pread` at `position`) into `buf`; bytes read.
pub fn read(fd: RawFd, buf: &mut [u8], position: Option<i64>) -> FsResult<usize> {
    loop {
        // SAFETY: the pointer and length describe `buf`, alive for the call.
        let n = unsafe {
            match position {
                Some(p) => libc::pread(fd, buf.as_mut_ptr().cast(), buf.len(), p),
                None => libc::read(fd, buf.as_mut_ptr().cast(), buf.len()),
            }
        };
        if n >= 0 {
            return Ok(n as usize);
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(FsError::io(e, "read", None));
        }
    }
}

/// Reads a whole descriptor from its current offset.
pub fn read_fd(fd: RawFd) -> FsResult<Vec<u8>> {
    let mut out: Vec<u8> = Vec::new();
    // SAFETY: fstat fills a plain struct.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    if unsafe { libc::fstat(fd, &mut st) } == 0 && st.st_size > 0 {
        out.reserve_exact(st.st_size as usize + 1);
    }
    loop {
        if out.capacity() - out.len() < 8192 {
            out.reserve(64 * 1024);
        }
        let len = out.len();
        let spare = out.capacity() - len;
        // SAFETY: reading into the reserved, not yet initialised tail; the length is
        // only raised by the count the kernel wrote.
        let n = unsafe {
            let tail = std::slice::from_raw_parts_mut(out.as_mut_ptr().add(len), spare);
            read(fd, tail, None)?
        };
        if n == 0 {
            return Ok(out);
        }
        unsafe { out.set_len(len + n) };
    }
}

/// `readFile(path)`: open, then read to the end (EISDIR comes from `read`, as in Node).
pub fn read_file(path: &str, flags: i32) -> FsResult<Vec<u8>> {
    let fd = open(path, flags, 0o666)?;
    let r = read_fd(fd);
    let _ = close(fd);
    r
}

/// `writeFile`/`appendFile`: open with `flags`, write everything, close.
pub fn write_file(path: &str, data: &[u8], flags: i32, mode: u32) -> FsResult<()> {
    let fd = open(path, flags, mode)?;
    let r = write_all(fd, data);
    let _ = close(fd);
    r
}

pub fn exists(path: &str) -> bool {
    fs::metadata(path).is_ok()
}

/// `mkdir`; recursive gives the first directory it created (Node's return value).
pub fn mkdir(path: &str, recursive: bool, mode: u32) -> FsResult<Option<String>> {
    if !recursive {
        return fs::DirBuilder::new().mode(mode).create(path).map(|_| None).map_err(|e| FsError::io(e, "mkdir", Some(path)));
    }
    // Walk up to the first existing ancestor, then create downwards.
    let mut missing = Vec::new();
    let mut cur = std::path::PathBuf::from(path);
    loop {
        match fs::metadata(&cur) {
            Ok(m) if m.is_dir() => break,
            Ok(_) => {
                let errno = if missing.is_empty() { libc::EEXIST } else { libc::ENOTDIR };
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
    let c = cstr(&template)?;
    let mut bytes = c.into_bytes_with_nul();
    // SAFETY: `bytes` is a writable NUL-terminated template mkdtemp fills in place.
    let p = unsafe { libc::mkdtemp(bytes.as_mut_ptr().cast()) };
    if p.is_null() {
        return Err(FsError::io(std::io::Error::last_os_error(), "mkdtemp", Some(&template)));
    }
    bytes.pop();
    Ok(String::from_utf8_lossy(&bytes).into_owned())
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
        Err(e) if force && e.errno == libc::ENOENT => return Ok(()),
        Err(e) => return Err(Failure::Sys(e)),
    };
    if !st.is_dir() {
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
            let errno = e.raw_os_error().unwrap_or(libc::EIO);
            let abs = super::path::resolve(&[path], &std::env::current_dir().unwrap_or_default().display().to_string());
            let mut prefix = String::new();
            for part in abs.split('/').filter(|p| !p.is_empty()) {
                prefix.push('/');
                prefix.push_str(part);
                if let Err(e) = lstat(&prefix) {
                    return Err(e);
                }
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
    let c = cstr(path)?;
    // SAFETY: `c` is a valid NUL-terminated path.
    if unsafe { libc::access(c.as_ptr(), mode) } < 0 {
        return Err(FsError::io(std::io::Error::last_os_error(), "access", Some(path)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_errors() {
        let dir = mkdtemp("/tmp/procbox-fs-test-").unwrap();
        let f = format!("{dir}/a.txt");
        write_file(&f, b"hello", parse_flags("w").unwrap(), 0o666).unwrap();
        write_file(&f, b" world", parse_flags("a").unwrap(), 0o666).unwrap();
        assert_eq!(read_file(&f, libc::O_RDONLY).unwrap(), b"hello world");
        assert_eq!(stat(&f).unwrap().size, 11);
        let e = read_file(&format!("{dir}/missing"), libc::O_RDONLY).unwrap_err();
        assert_eq!(e.message(), format!("ENOENT: no such file or directory, open '{dir}/missing'"));
        assert_eq!(read_file(&dir, libc::O_RDONLY).unwrap_err().message(), "EISDIR: illegal operation on a directory, read");
        assert_eq!(mkdir(&format!("{dir}/x/y"), true, 0o777).unwrap(), Some(format!("{dir}/x")));
        assert_eq!(readdir(&dir).unwrap().iter().map(|e| e.0.as_str()).collect::<Vec<_>>(), ["a.txt", "x"]);
        assert!(matches!(rm(&dir, false, false), Err(Failure::IsDir(_))));
        assert!(rm(&dir, true, false).is_ok());
        assert!(!exists(&dir));
    }
}
