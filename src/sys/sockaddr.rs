//! The kernel's form of a socket address: an [`Endpoint`] written into a
//! `sockaddr_storage` for `bind`/`connect`, and read back from what
//! `getsockname`/`getpeername`/`accept` filled in. Plain data conversions, kept beside
//! the socket calls that use them. nix's address types (`SockaddrIn`, `UnixAddr`)
//! need its `socket` feature, not enabled in this build (docs/notes/sysfd.md,
//! docs/notes/syssig.md).

use std::ffi::OsStr;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use crate::net::addr::Endpoint;

/// The kernel's form of an endpoint: storage plus the length that matters.
pub struct RawAddr {
    pub storage: libc::sockaddr_storage,
    pub len: libc::socklen_t,
}

impl RawAddr {
    pub fn domain(&self) -> i32 {
        self.storage.ss_family as i32
    }

    pub fn as_ptr(&self) -> *const libc::sockaddr {
        (&self.storage as *const libc::sockaddr_storage).cast()
    }
}

/// Converts an endpoint; a Unix path too long for `sun_path` is ENAMETOOLONG.
pub fn to_raw(ep: &Endpoint) -> crate::sys::errno::SysResult<RawAddr> {
    // SAFETY: sockaddr_storage is plain old data; all-zero is a valid value.
    let mut storage: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let len = match ep {
        Endpoint::Tcp(SocketAddr::V4(a)) => {
            let sin = libc::sockaddr_in {
                sin_family: libc::AF_INET as libc::sa_family_t,
                sin_port: a.port().to_be(),
                sin_addr: libc::in_addr { s_addr: u32::from_ne_bytes(a.ip().octets()) },
                sin_zero: [0; 8],
            };
            // SAFETY: sockaddr_storage is large and aligned enough for any sockaddr.
            unsafe { std::ptr::write((&mut storage as *mut libc::sockaddr_storage).cast(), sin) };
            std::mem::size_of::<libc::sockaddr_in>()
        }
        Endpoint::Tcp(SocketAddr::V6(a)) => {
            let sin6 = libc::sockaddr_in6 {
                sin6_family: libc::AF_INET6 as libc::sa_family_t,
                sin6_port: a.port().to_be(),
                sin6_flowinfo: a.flowinfo(),
                sin6_addr: libc::in6_addr { s6_addr: a.ip().octets() },
                sin6_scope_id: a.scope_id(),
            };
            // SAFETY: as above.
            unsafe { std::ptr::write((&mut storage as *mut libc::sockaddr_storage).cast(), sin6) };
            std::mem::size_of::<libc::sockaddr_in6>()
        }
        Endpoint::Unix(path) => {
            let bytes = path.as_os_str().as_bytes();
            // SAFETY: as above; sockaddr_un fits in sockaddr_storage.
            let sun = unsafe { &mut *(&mut storage as *mut libc::sockaddr_storage).cast::<libc::sockaddr_un>() };
            if bytes.len() >= sun.sun_path.len() {
                return Err(crate::sys::errno::Errno::ENAMETOOLONG);
            }
            sun.sun_family = libc::AF_UNIX as libc::sa_family_t;
            for (dst, &b) in sun.sun_path.iter_mut().zip(bytes) {
                *dst = b as libc::c_char;
            }
            std::mem::size_of::<libc::sa_family_t>() + bytes.len() + 1
        }
    };
    Ok(RawAddr { storage, len: len as libc::socklen_t })
}

/// Converts what `getsockname`/`getpeername`/`accept` filled in.
pub fn from_raw(raw: &RawAddr) -> Option<Endpoint> {
    let p = (&raw.storage as *const libc::sockaddr_storage).cast::<u8>();
    match raw.domain() {
        libc::AF_INET => {
            // SAFETY: the kernel wrote a sockaddr_in for AF_INET.
            let sin = unsafe { &*p.cast::<libc::sockaddr_in>() };
            let ip = Ipv4Addr::from(sin.sin_addr.s_addr.to_ne_bytes());
            Some(Endpoint::Tcp(SocketAddr::V4(SocketAddrV4::new(ip, u16::from_be(sin.sin_port)))))
        }
        libc::AF_INET6 => {
            // SAFETY: the kernel wrote a sockaddr_in6 for AF_INET6.
            let s = unsafe { &*p.cast::<libc::sockaddr_in6>() };
            let ip = Ipv6Addr::from(s.sin6_addr.s6_addr);
            let a = SocketAddrV6::new(ip, u16::from_be(s.sin6_port), s.sin6_flowinfo, s.sin6_scope_id);
            Some(Endpoint::Tcp(SocketAddr::V6(a)))
        }
        libc::AF_UNIX => {
            // SAFETY: the kernel wrote a sockaddr_un for AF_UNIX.
            let sun = unsafe { &*p.cast::<libc::sockaddr_un>() };
            let max = (raw.len as usize).saturating_sub(std::mem::size_of::<libc::sa_family_t>());
            let bytes: Vec<u8> = sun
                .sun_path
                .iter()
                .take(max.min(sun.sun_path.len()))
                .map(|&c| c as u8)
                .take_while(|&b| b != 0)
                .collect();
            Some(Endpoint::Unix(PathBuf::from(OsStr::from_bytes(&bytes))))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_round_trip() {
        for ep in [
            Endpoint::Tcp("127.0.0.1:8080".parse().unwrap()),
            Endpoint::Tcp("[::1]:443".parse().unwrap()),
            Endpoint::Unix(PathBuf::from("/tmp/x.sock")),
        ] {
            let raw = to_raw(&ep).unwrap();
            assert_eq!(from_raw(&raw), Some(ep));
        }
        let long = Endpoint::Unix(PathBuf::from("/".repeat(200)));
        assert_eq!(to_raw(&long).err(), Some(crate::sys::errno::Errno::ENAMETOOLONG));
    }
}
