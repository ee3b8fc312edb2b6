//! errno values as Node names and describes them: libuv's error names and messages
//! (`ENOENT`, "no such file or directory") for system errors, and the table behind
//! `os.constants.errno` (Node's list for Linux, in its order). Also the one errno type
//! every system call wrapper returns ([`Errno`], nix's) and its [`SysResult`].

pub use nix::errno::Errno;

/// What every wrapper in `sys` returns: the value, or the errno the call failed with.
pub type SysResult<T> = Result<T, Errno>;

/// The errno a std call failed with: the one conversion from `std::io::Error`, for
/// the wrappers in `sys` that go through std (`std::fs`, `std::os::unix::net`). EIO
/// for an error that carries no errno (std's own, such as a path with a NUL: none of
/// the calls converted here makes one).
pub fn from_io(e: &std::io::Error) -> Errno {
    e.raw_os_error().map_or(Errno::EIO, Errno::from_raw)
}

/// (errno, code, libuv's message), from Node's `util.getSystemErrorMap()` on Linux.
const MESSAGES: &[(i32, &str, &str)] = &[
    (1, "EPERM", "operation not permitted"),
    (2, "ENOENT", "no such file or directory"),
    (3, "ESRCH", "no such process"),
    (4, "EINTR", "interrupted system call"),
    (5, "EIO", "i/o error"),
    (6, "ENXIO", "no such device or address"),
    (7, "E2BIG", "argument list too long"),
    (9, "EBADF", "bad file descriptor"),
    (11, "EAGAIN", "resource temporarily unavailable"),
    (12, "ENOMEM", "not enough memory"),
    (13, "EACCES", "permission denied"),
    (14, "EFAULT", "bad address in system call argument"),
    (16, "EBUSY", "resource busy or locked"),
    (17, "EEXIST", "file already exists"),
    (18, "EXDEV", "cross-device link not permitted"),
    (19, "ENODEV", "no such device"),
    (20, "ENOTDIR", "not a directory"),
    (21, "EISDIR", "illegal operation on a directory"),
    (22, "EINVAL", "invalid argument"),
    (23, "ENFILE", "file table overflow"),
    (24, "EMFILE", "too many open files"),
    (25, "ENOTTY", "inappropriate ioctl for device"),
    (26, "ETXTBSY", "text file is busy"),
    (27, "EFBIG", "file too large"),
    (28, "ENOSPC", "no space left on device"),
    (29, "ESPIPE", "invalid seek"),
    (30, "EROFS", "read-only file system"),
    (31, "EMLINK", "too many links"),
    (32, "EPIPE", "broken pipe"),
    (34, "ERANGE", "result too large"),
    (36, "ENAMETOOLONG", "name too long"),
    (38, "ENOSYS", "function not implemented"),
    (39, "ENOTEMPTY", "directory not empty"),
    (40, "ELOOP", "too many symbolic links encountered"),
    (49, "EUNATCH", "protocol driver not attached"),
    (61, "ENODATA", "no data available"),
    (64, "ENONET", "machine is not on the network"),
    (71, "EPROTO", "protocol error"),
    (75, "EOVERFLOW", "value too large for defined data type"),
    (84, "EILSEQ", "illegal byte sequence"),
    (88, "ENOTSOCK", "socket operation on non-socket"),
    (89, "EDESTADDRREQ", "destination address required"),
    (90, "EMSGSIZE", "message too long"),
    (91, "EPROTOTYPE", "protocol wrong type for socket"),
    (92, "ENOPROTOOPT", "protocol not available"),
    (93, "EPROTONOSUPPORT", "protocol not supported"),
    (94, "ESOCKTNOSUPPORT", "socket type not supported"),
    (95, "ENOTSUP", "operation not supported on socket"),
    (97, "EAFNOSUPPORT", "address family not supported"),
    (98, "EADDRINUSE", "address already in use"),
    (99, "EADDRNOTAVAIL", "address not available"),
    (100, "ENETDOWN", "network is down"),
    (101, "ENETUNREACH", "network is unreachable"),
    (103, "ECONNABORTED", "software caused connection abort"),
    (104, "ECONNRESET", "connection reset by peer"),
    (105, "ENOBUFS", "no buffer space available"),
    (106, "EISCONN", "socket is already connected"),
    (107, "ENOTCONN", "socket is not connected"),
    (108, "ESHUTDOWN", "cannot send after transport endpoint shutdown"),
    (110, "ETIMEDOUT", "connection timed out"),
    (111, "ECONNREFUSED", "connection refused"),
    (112, "EHOSTDOWN", "host is down"),
    (113, "EHOSTUNREACH", "host is unreachable"),
    (114, "EALREADY", "connection already in progress"),
    (121, "EREMOTEIO", "remote I/O error"),
    (125, "ECANCELED", "operation canceled"),
];

/// `os.constants.errno`, in the order Node lists it.
pub const CONSTANTS: &[(&str, i32)] = &[
    ("E2BIG", 7),
    ("EACCES", 13),
    ("EADDRINUSE", 98),
    ("EADDRNOTAVAIL", 99),
    ("EAFNOSUPPORT", 97),
    ("EAGAIN", 11),
    ("EALREADY", 114),
    ("EBADF", 9),
    ("EBADMSG", 74),
    ("EBUSY", 16),
    ("ECANCELED", 125),
    ("ECHILD", 10),
    ("ECONNABORTED", 103),
    ("ECONNREFUSED", 111),
    ("ECONNRESET", 104),
    ("EDEADLK", 35),
    ("EDESTADDRREQ", 89),
    ("EDOM", 33),
    ("EDQUOT", 122),
    ("EEXIST", 17),
    ("EFAULT", 14),
    ("EFBIG", 27),
    ("EHOSTUNREACH", 113),
    ("EIDRM", 43),
    ("EILSEQ", 84),
    ("EINPROGRESS", 115),
    ("EINTR", 4),
    ("EINVAL", 22),
    ("EIO", 5),
    ("EISCONN", 106),
    ("EISDIR", 21),
    ("ELOOP", 40),
    ("EMFILE", 24),
    ("EMLINK", 31),
    ("EMSGSIZE", 90),
    ("EMULTIHOP", 72),
    ("ENAMETOOLONG", 36),
    ("ENETDOWN", 100),
    ("ENETRESET", 102),
    ("ENETUNREACH", 101),
    ("ENFILE", 23),
    ("ENOBUFS", 105),
    ("ENODATA", 61),
    ("ENODEV", 19),
    ("ENOENT", 2),
    ("ENOEXEC", 8),
    ("ENOLCK", 37),
    ("ENOLINK", 67),
    ("ENOMEM", 12),
    ("ENOMSG", 42),
    ("ENOPROTOOPT", 92),
    ("ENOSPC", 28),
    ("ENOSR", 63),
    ("ENOSTR", 60),
    ("ENOSYS", 38),
    ("ENOTCONN", 107),
    ("ENOTDIR", 20),
    ("ENOTEMPTY", 39),
    ("ENOTSOCK", 88),
    ("ENOTSUP", 95),
    ("ENOTTY", 25),
    ("ENXIO", 6),
    ("EOPNOTSUPP", 95),
    ("EOVERFLOW", 75),
    ("EPERM", 1),
    ("EPIPE", 32),
    ("EPROTO", 71),
    ("EPROTONOSUPPORT", 93),
    ("EPROTOTYPE", 91),
    ("ERANGE", 34),
    ("EROFS", 30),
    ("ESPIPE", 29),
    ("ESRCH", 3),
    ("ESTALE", 116),
    ("ETIME", 62),
    ("ETIMEDOUT", 110),
    ("ETXTBSY", 26),
    ("EWOULDBLOCK", 11),
    ("EXDEV", 18),
];

/// Node's `code` for an errno (`UNKNOWN` for a number Node does not name).
pub fn code(errno: i32) -> &'static str {
    MESSAGES
        .iter()
        .find(|(n, _, _)| *n == errno)
        .map(|(_, c, _)| *c)
        .or_else(|| CONSTANTS.iter().find(|(_, n)| *n == errno).map(|(c, _)| *c))
        .unwrap_or("UNKNOWN")
}

/// libuv's description ("no such file or directory").
pub fn message(errno: i32) -> String {
    MESSAGES
        .iter()
        .find(|(n, _, _)| *n == errno)
        .map(|(_, _, m)| m.to_string())
        .unwrap_or_else(|| format!("Unknown system error -{errno}"))
}

/// Node's message for a failed system call with paths (`uvException`):
/// `ENOENT: no such file or directory, open '/x'`, `… rename 'a' -> 'b'`.
pub fn uv_message(errno: Errno, syscall: &str, path: Option<&str>, dest: Option<&str>) -> String {
    let mut m = format!("{}: {}, {syscall}", code(errno as i32), message(errno as i32));
    if let Some(p) = path {
        m.push_str(&format!(" '{p}'"));
    }
    if let Some(d) = dest {
        m.push_str(&format!(" -> '{d}'"));
    }
    m
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_and_messages() {
        assert_eq!(super::code(libc::ENOENT), "ENOENT");
        assert_eq!(super::message(libc::EISDIR), "illegal operation on a directory");
        assert_eq!(super::code(libc::ENOTEMPTY), "ENOTEMPTY");
        assert_eq!((super::code(libc::EACCES), super::message(libc::EACCES).as_str()), ("EACCES", "permission denied"));
        assert_eq!(super::code(libc::ENOTDIR), "ENOTDIR");
        assert_eq!(super::message(9999), "Unknown system error -9999");
    }

    #[test]
    fn from_io_and_uv_message() {
        use super::{Errno, from_io, uv_message};
        assert_eq!(from_io(&std::io::Error::from_raw_os_error(libc::ENOENT)), Errno::ENOENT);
        assert_eq!(from_io(&std::io::Error::other("no errno")), Errno::EIO);
        assert_eq!(uv_message(Errno::EACCES, "mkdir", None, None), "EACCES: permission denied, mkdir");
        assert_eq!(
            uv_message(Errno::ENOENT, "chdir", Some("/tmp"), Some("x")),
            "ENOENT: no such file or directory, chdir '/tmp' -> 'x'"
        );
    }
}
