//! procbox's I/O core (issue 13): the Rhai-free pieces every socket, pipe and
//! channel binding sits on, one copy each instead of one per area:
//!
//! - [`decode`]: what a readable stream's `data` listeners get, bytes or text from
//!   Node's `StringDecoder` (never a split character).
//! - [`flush`]: the exit-flush service. Every writer (the fork channel, node-ipc
//!   connections, `net` sockets, and so the pool's worker channels and HTTP) registers
//!   with it, and at exit one poll loop writes everything still queued, reading from
//!   each peer meanwhile, under one deadline rule ([`deadline`]).
//! - [`listener`]: a listening socket (accept batches, EMFILE back-off, the socket
//!   file, ref/unref) under `net.Server` and node-ipc's server.
//! - [`reactor`]: epoll and the table of open handles (`Source<C>`, `Interest`,
//!   `Ready`); [`handle`]: one owned descriptor in it, holding the loop while active
//!   and ref'd and while a request is pending on it, closed only by being dropped.
//!   Every stream and listener keeps its descriptor in a `Handle`.
//! - [`stream`]: a socket, pipe or channel that reads and writes (`Stream<C>`);
//!   with blocking writes (`stream_blocking`) it is `process.stdout`/`stderr`.
//! - [`readable`]: a readable stream's flow state (flowing, paused, read-ahead,
//!   `end` once), sans-IO.

pub mod connect;
pub mod deadline;
pub mod decode;
pub mod events;
pub mod flush;
pub mod handle;
pub mod listener;
pub mod reactor;
pub mod read_size;
pub mod readable;
pub mod spin;
pub mod stream;
mod stream_blocking;
mod stream_opts;
mod stream_read;
mod stream_write;
pub mod write_queue;

pub use events::{Event, Handler, Io, IoError};
pub use stream::{Stream, StreamOpts};

#[cfg(test)]
mod stream_blocking_tests;
#[cfg(test)]
mod stream_chan_tests;
#[cfg(test)]
mod stream_pipe_tests;
#[cfg(test)]
mod stream_testkit;
#[cfg(test)]
mod stream_tests;
