//! Where a socket lives: a TCP address or a Unix socket path, and host name
//! resolution. The conversions to and from the kernel's `sockaddr` are
//! [`crate::sys::sockaddr`]'s.
//!
//! Names are resolved with the system resolver (`getaddrinfo`), in its order, as Node
//! does by default (`verbatim`). IP literals never reach the resolver.

use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::path::PathBuf;

/// An address a socket can bind or connect to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Endpoint {
    Tcp(SocketAddr),
    Unix(PathBuf),
}

impl Endpoint {
    /// Node's `family`: `"IPv4"`, `"IPv6"`, or `None` for a Unix socket.
    pub fn family(&self) -> Option<&'static str> {
        match self {
            Endpoint::Tcp(SocketAddr::V4(_)) => Some("IPv4"),
            Endpoint::Tcp(SocketAddr::V6(_)) => Some("IPv6"),
            Endpoint::Unix(_) => None,
        }
    }

    /// The address as Node prints it: `127.0.0.1`, `::1` (no brackets), or the path.
    pub fn host(&self) -> String {
        match self {
            Endpoint::Tcp(a) => a.ip().to_string(),
            Endpoint::Unix(p) => p.display().to_string(),
        }
    }

    pub fn port(&self) -> Option<u16> {
        match self {
            Endpoint::Tcp(a) => Some(a.port()),
            Endpoint::Unix(_) => None,
        }
    }

    /// `host:port` for TCP (as in `connect ECONNREFUSED 127.0.0.1:80`), the path otherwise.
    pub fn describe(&self) -> String {
        match self.port() {
            Some(port) => format!("{}:{port}", self.host()),
            None => self.host(),
        }
    }
}

/// Addresses for `host:port`, in the resolver's order. `Err(())` when the name does
/// not resolve (Node's `getaddrinfo ENOTFOUND`).
pub fn resolve(host: &str, port: u16) -> Result<Vec<SocketAddr>, ()> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    match (host, port).to_socket_addrs() {
        Ok(addrs) => {
            let v: Vec<SocketAddr> = addrs.collect();
            if v.is_empty() { Err(()) } else { Ok(v) }
        }
        Err(_) => Err(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_like_node() {
        let v6 = Endpoint::Tcp("[::]:80".parse().unwrap());
        assert_eq!(v6.describe(), ":::80");
        assert_eq!(v6.family(), Some("IPv6"));
        assert_eq!(resolve("127.0.0.1", 5).unwrap(), vec!["127.0.0.1:5".parse().unwrap()]);
    }
}
