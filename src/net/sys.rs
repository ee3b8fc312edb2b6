//! Socket calls as `api::net` and `api::node_ipc` reach them: the one copy lives in
//! `crate::sys::socket`; the calls on descriptors those bindings still keep as a bare
//! number go through `crate::sys::raw` until they move onto `io::Handle`.

pub use crate::sys::fd::Read;
pub use crate::sys::raw::{adopt, dup, is_listening, local, read_into, set_keepalive, set_nodelay};
pub use crate::sys::socket::{BACKLOG, SOCKET_MODE, connect, listen_tcp, listen_unix};
