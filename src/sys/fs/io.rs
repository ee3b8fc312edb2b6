//! Descriptor I/O: `open` (close-on-exec), `close`, `read`/`write` (positional or
//! not, retried on EINTR), and whole-file reads and writes.
//!
//! Raw libc here, not nix: the script's descriptors are numbers it owns (Node's
//! `fs.open` gives an integer, `fs.close` takes one, any number may be passed), so
//! there is no `OwnedFd` to hand nix; reads go into a buffer's uninitialised capacity
//! (nix's `read` wants an initialised slice); `madvise` and `fstat` serve the
//! whole-file read's buffer sizing.

use std::ffi::CString;
use std::os::fd::{BorrowedFd, FromRawFd, OwnedFd, RawFd};

use super::{FsError, FsResult};
use crate::sys::errno::Errno;

pub(crate) fn cstr(path: &str) -> FsResult<CString> {
    CString::new(path).map_err(|_| FsError::new(Errno::EINVAL, "open", Some(path)))
}

/// `open(2)` with close-on-exec (a child gets the fd only through `stdio`).
pub fn open(path: &str, flags: i32, mode: u32) -> FsResult<RawFd> {
    let c = cstr(path)?;
    // SAFETY: `c` is a valid NUL-terminated path for the duration of the call.
    let fd = unsafe { libc::open(c.as_ptr(), flags | libc::O_CLOEXEC, mode as libc::c_uint) };
    if fd < 0 { Err(FsError::new(Errno::last(), "open", Some(path))) } else { Ok(fd) }
}

pub fn close(fd: RawFd) -> FsResult<()> {
    // SAFETY: closing a descriptor the script owns; a bad one gives EBADF.
    if unsafe { libc::close(fd) } < 0 {
        return Err(FsError::new(Errno::last(), "close", None));
    }
    Ok(())
}

/// The script's descriptor `fd` (from `fs.open` or its `{fd}` option) handed to a
/// stream, which owns and closes it from here, as Node's `autoClose` stream does. The
/// number stays the script's choice: one not open fails the stream's first read or
/// write with EBADF, as in Node.
pub fn own(fd: RawFd) -> OwnedFd {
    // SAFETY: the script gave this number to the stream; nothing else in procbox owns
    // a number the script's fd table holds (procbox's own descriptors are never
    // exposed by number to fs).
    unsafe { OwnedFd::from_raw_fd(fd) }
}

/// `lseek(fd, at, SEEK_SET)`: a stream's `start` option.
pub fn seek(fd: BorrowedFd<'_>, at: i64) -> FsResult<()> {
    nix::unistd::lseek(fd, at, nix::unistd::Whence::SeekSet).map(drop).map_err(|e| FsError::new(e, "lseek", None))
}

/// `truncate(path, len)` as Node does it: open for writing, `ftruncate`, close.
pub fn truncate(path: &str, len: i64) -> FsResult<()> {
    let fd = own(open(path, libc::O_WRONLY, 0)?);
    nix::unistd::ftruncate(&fd, len).map_err(|e| FsError::new(e, "ftruncate", None))
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
        let e = Errno::last();
        if e != Errno::EINTR {
            return Err(FsError::new(e, "write", None));
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
    // SAFETY: the pointer and length describe `buf`, alive and writable for the call.
    unsafe { read_raw(fd, buf.as_mut_ptr(), buf.len(), position) }
}

/// # Safety
/// `ptr` must be valid for writes of `len` bytes (it may be uninitialised).
unsafe fn read_raw(fd: RawFd, ptr: *mut u8, len: usize, position: Option<i64>) -> FsResult<usize> {
    loop {
        // SAFETY: the caller guarantees `ptr`/`len`; the kernel writes at most `len`.
        let n = unsafe {
            match position {
                Some(p) => libc::pread(fd, ptr.cast(), len, p),
                None => libc::read(fd, ptr.cast(), len),
            }
        };
        if n >= 0 {
            return Ok(n as usize);
        }
        let e = Errno::last();
        if e != Errno::EINTR {
            return Err(FsError::new(e, "read", None));
        }
    }
}

/// Asks for transparent huge pages under a big buffer: reading a 100 MiB file into
/// fresh memory otherwise takes 25 600 page faults, a good part of the time.
fn huge_pages(buf: &mut Vec<u8>) {
    const HUGE: usize = 2 << 20;
    if buf.capacity() < 4 * HUGE {
        return;
    }
    let start = buf.as_mut_ptr() as usize;
    let aligned = (start + HUGE - 1) & !(HUGE - 1);
    let end = (start + buf.capacity()) & !(HUGE - 1);
    if end > aligned {
        // SAFETY: advice on whole huge pages inside the allocation we own; it changes
        // no contents, and a kernel without THP just refuses.
        unsafe { libc::madvise(aligned as *mut libc::c_void, end - aligned, libc::MADV_HUGEPAGE) };
    }
}

/// Reads a whole descriptor from its current offset.
pub fn read_fd(fd: RawFd) -> FsResult<Vec<u8>> {
    let mut out: Vec<u8> = Vec::new();
    // SAFETY: `stat` is plain old data (integers); all-zero is a valid value.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: fstat writes one `stat` into the live local `st`.
    if unsafe { libc::fstat(fd, &mut st) } == 0 && st.st_size > 0 {
        // Node refuses a file over 2 GiB (ERR_FS_FILE_TOO_LARGE); reserving its size
        // (a sparse file can claim terabytes) would abort procbox.
        if st.st_size > i32::MAX as libc::off_t {
            return Err(FsError::new(Errno::EFBIG, "read", None));
        }
        out.reserve_exact(st.st_size as usize + 1);
        huge_pages(&mut out);
    }
    loop {
        // Grow only when full: a file read to its known size (+1 byte for the EOF
        // probe) is never reallocated, which would copy it all once more.
        if out.capacity() == out.len() {
            out.reserve(64 * 1024);
        }
        let len = out.len();
        let spare = out.capacity() - len;
        // SAFETY: the reserved, not yet initialised tail of `out` is writable.
        let n = unsafe { read_raw(fd, out.as_mut_ptr().add(len), spare, None)? };
        if n == 0 {
            return Ok(out);
        }
        // SAFETY: the kernel initialised exactly `n` more bytes.
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
