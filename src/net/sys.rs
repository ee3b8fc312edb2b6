//! Socket calls as `api::net` and `api::node_ipc` reach them: the one copy lives in
//! `crate::sys::socket`; the calls on descriptors those bindings still keep as a bare
//! number go through `crate::sys::raw` until they move onto `io::Handle`.

pub use crate::sys::fd::Read;
pub use crate::sys::raw::{
    adopt, dup, is_listening, local, peer, read_into, send_some, set_keepalive, set_nodelay, shutdown_write, take_error,
};
pub use crate::sys::socket::{BACKLOG, SOCKET_MODE, connect, listen_tcp, listen_unix};
