//! node-ipc's protocol, without any scripting: the frame codec (with a size cap),
//! the configuration and its defaults, and the reconnect policy. `api::node_ipc`
//! binds it to scripts and the event loop, over the sockets of `crate::net`.
//!
//! The wire format is node-ipc's (9.x to 14.x): `{"type":T,"data":D}` in UTF-8 plus a
//! delimiter (default `\f`), or raw bytes without framing in `rawBuffer` mode. JSON
//! escapes every control character, so `\f` never occurs inside a frame.

pub mod codec;
pub mod config;
pub mod retry;
pub mod sockdir;
pub mod stale;
