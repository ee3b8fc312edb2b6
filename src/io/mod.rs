//! The start of procbox's I/O core (issue 13): Rhai-free pieces that every socket,
//! pipe and channel binding is meant to sit on, one copy each instead of one per
//! area. The handle/stream/listener layer will grow here; what exists so far:
//!
//! - [`flush`]: the exit-flush service. Every writer (the fork channel, node-ipc
//!   connections, `net` sockets, and so the pool's worker channels and HTTP) registers
//!   with it, and at exit one poll loop writes everything still queued, reading from
//!   each peer meanwhile, under one deadline rule ([`deadline`]).
//! - [`listener`]: a listening socket (accept batches, EMFILE back-off, the socket
//!   file, ref/unref) under `net.Server` and node-ipc's server.

pub mod deadline;
pub mod flush;
pub mod listener;
