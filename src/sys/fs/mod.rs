//! The file operations behind `fs`, Rhai-free and thread-safe, so the same code runs
//! on the loop (the `*Sync` forms) and on a worker (callbacks, promises). Each failure
//! names the system call Node's would (`open`, `scandir`, `copyfile`…) and the paths,
//! so the binding can build Node's message: `ENOENT: no such file or directory, open '/x'`.
//! [`io`] has descriptor I/O, [`tree`] the operations on names.

mod io;
mod tree;

pub use io::*;
pub use tree::*;

use std::fs;
use std::os::unix::fs::MetadataExt;

use crate::sys::errno::{self, Errno};

/// A failed system call, as Node reports it.
#[derive(Debug, Clone)]
pub struct FsError {
    pub errno: Errno,
    pub syscall: &'static str,
    pub path: Option<String>,
    pub dest: Option<String>,
}

pub type FsResult<T> = Result<T, FsError>;

impl FsError {
    pub fn new(errno: Errno, syscall: &'static str, path: Option<&str>) -> FsError {
        FsError { errno, syscall, path: path.map(String::from), dest: None }
    }

    pub(crate) fn io(e: std::io::Error, syscall: &'static str, path: Option<&str>) -> FsError {
        FsError::new(errno::from_io(&e), syscall, path)
    }

    pub(crate) fn with_dest(mut self, dest: &str) -> FsError {
        self.dest = Some(dest.to_string());
        self
    }

    /// Node's message: `ENOENT: no such file or directory, open '/x'` (the binding
    /// builds the whole error with `value::error::uv`; this is for the tests).
    #[cfg(test)]
    pub fn message(&self) -> String {
        errno::uv_message(self.errno, self.syscall, self.path.as_deref(), self.dest.as_deref())
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
    pub(crate) fn of(m: &fs::Metadata) -> Stat {
        let birth = m
            .created()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_secs_f64() * 1000.0)
            .unwrap_or(0.0);
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

    /// The file's type, from the type bits of its mode.
    pub fn kind(&self) -> Kind {
        match self.mode as u32 & libc::S_IFMT {
            libc::S_IFREG => Kind::File,
            libc::S_IFDIR => Kind::Dir,
            libc::S_IFLNK => Kind::Symlink,
            libc::S_IFIFO => Kind::Fifo,
            libc::S_IFSOCK => Kind::Socket,
            libc::S_IFCHR => Kind::Char,
            libc::S_IFBLK => Kind::Block,
            _ => Kind::Unknown,
        }
    }
}

/// A file's type, as `Stats` and `Dirent` report it.
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
        assert_eq!(
            read_file(&dir, libc::O_RDONLY).unwrap_err().message(),
            "EISDIR: illegal operation on a directory, read"
        );
        assert_eq!(mkdir(&format!("{dir}/x/y"), true, 0o777).unwrap(), Some(format!("{dir}/x")));
        assert_eq!(readdir(&dir).unwrap().iter().map(|e| e.0.as_str()).collect::<Vec<_>>(), ["a.txt", "x"]);
        assert!(matches!(rm(&dir, false, false), Err(Failure::IsDir(_))));
        assert!(rm(&dir, true, false).is_ok());
        assert!(!exists(&dir));
    }
}
