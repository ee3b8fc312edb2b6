//! Socket calls as `api::net` and `api::node_ipc` reach them: the one copy lives in
//! `crate::sys::socket` (and `crate::sys::fd`); each takes a borrowed descriptor.

pub use crate::sys::fd::{Read, dup_cloexec as dup, dup_number, read_into};
pub use crate::sys::socket::{
    BACKLOG, SOCKET_MODE, adopt, connect, is_listening, listen_tcp, listen_unix, local, set_keepalive, set_nodelay,
};
