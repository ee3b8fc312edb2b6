//! `ipc.config`: node-ipc 9.2.1's settings and defaults (read from its
//! `entities/Defaults.js`), plus `maxFrameSize`, the receive cap node-ipc lacks.
//!
//! Values are checked where a script sets them (see `api::node_ipc::config_api`), so
//! everything here is already valid: a non-empty delimiter, a known encoding.

/// The receive cap on one frame unless the script sets `maxFrameSize`.
pub const DEFAULT_MAX_FRAME: usize = 16 << 20;

#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// This service's id: names its Unix socket (`socketRoot + appspace + id`).
    pub id: String,
    pub appspace: String,
    pub socket_root: String,
    pub network_host: String,
    pub network_port: u16,
    /// Milliseconds between reconnect attempts (fixed, as in node-ipc).
    pub retry: u64,
    /// Reconnect attempts after a connection is lost or refused; `None` is Infinity.
    pub max_retries: Option<u64>,
    pub stop_retrying: bool,
    pub max_connections: usize,
    pub silent: bool,
    pub raw_buffer: bool,
    /// How a string given to a raw-mode `emit` is turned into bytes.
    pub encoding: &'static str,
    pub delimiter: String,
    /// Remove a stale socket file before serving on its path.
    pub unlink: bool,
    pub max_frame_size: usize,
    /// Permission bits of a Unix socket a server creates (`socketMode`, procbox's own).
    pub socket_mode: u32,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            id: crate::sys::host::hostname(),
            appspace: "app.".into(),
            // node-ipc 9.x hard-codes the world-shared /tmp/; procbox uses a directory
            // only this user can enter (see `sockdir`).
            socket_root: super::sockdir::default_root(),
            // 9.2.1's IPv6 detection is dead code: it always picks 127.0.0.1.
            network_host: "127.0.0.1".into(),
            network_port: 8000,
            retry: 500,
            max_retries: None,
            stop_retrying: false,
            max_connections: 100,
            silent: false,
            raw_buffer: false,
            encoding: "utf8",
            delimiter: "\x0c".into(),
            unlink: true,
            max_frame_size: DEFAULT_MAX_FRAME,
            socket_mode: crate::net::sys::SOCKET_MODE,
        }
    }
}

impl Config {
    /// Where the service `id` listens by default: `socketRoot + appspace + id`, plain
    /// concatenation as node-ipc does (a root without a trailing `/` is the caller's).
    pub fn socket_path(&self, id: &str) -> String {
        format!("{}{}{}", self.socket_root, self.appspace, id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_node_ipc_9s() {
        let c = Config::default();
        assert_eq!(c.socket_path("world"), format!("{}app.world", super::super::sockdir::default_root()));
        assert_eq!(c.socket_mode, 0o600);
        assert_eq!((c.network_host.as_str(), c.network_port, c.retry, c.max_retries), ("127.0.0.1", 8000, 500, None));
        assert_eq!(c.delimiter, "\x0c");
        assert!(!c.id.is_empty());
    }
}
