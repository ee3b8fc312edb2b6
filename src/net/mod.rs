//! The network core, without any scripting: TCP and Unix sockets (non-blocking and
//! close-on-exec from birth), addresses, the outgoing write queue, and HTTP/1.x
//! parsing and framing. `api::net` and `api::http` bind it to scripts and the event
//! loop.

pub mod addr;
pub mod http;
pub mod queue;
pub mod sys;

pub use addr::Endpoint;
