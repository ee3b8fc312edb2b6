//! The script side of the permission policy (`crate::perm`): a denial as Node's
//! catchable `ERR_ACCESS_DENIED` error, and the checks the bindings call before
//! touching a file, a host or a variable.
//!
//! ```rhai
//! try { fs.readFileSync("/etc/hosts") } catch (e) { print(`${e.code} ${e.permission} ${e.resource}`) }
//! // ERR_ACCESS_DENIED FileSystemRead /etc/hosts
//! ```

use rhai::{EvalAltResult, Map};

use crate::perm::{self, Denied, Perm};
use crate::value::error;

pub type Res<T> = Result<T, Box<EvalAltResult>>;

/// Node's shape: `code`, `permission`, `resource`, and a message naming the flag.
pub use crate::value::error::access_denied as denied_map;

/// [`denied_map`], thrown.
pub fn denied(d: Denied) -> Box<EvalAltResult> {
    error::throw(denied_map(d))
}

/// A file the script reads (`Perm::Read`) or writes (`Perm::Write`).
pub fn path(p: Perm, path: &str) -> Res<()> {
    perm::check_path(p, path).map_err(denied)
}

/// A connection or a listening socket: `host:port` as the script named it.
pub fn net(host: &str, port: u16) -> Res<()> {
    net_map(host, port).map_err(error::throw)
}

/// [`net`] for the bindings whose errors are maps.
pub fn net_map(host: &str, port: u16) -> Result<(), Map> {
    if perm::current().is_none() {
        return Ok(());
    }
    let res = if host.contains(':') { format!("[{host}]:{port}") } else { format!("{host}:{port}") };
    perm::check(Perm::Net, &res, &res.to_ascii_lowercase()).map_err(denied_map)
}

/// A variable of `process.env`.
pub fn env(name: &str) -> Res<()> {
    if perm::current().is_none() {
        return Ok(());
    }
    perm::check(Perm::Env, name, name).map_err(denied)
}
