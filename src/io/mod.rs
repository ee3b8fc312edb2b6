//! procbox's I/O core (issue 13): the Rhai-free pieces every socket, pipe and
//! channel binding sits on, one copy each instead of one per area:
//!
//! - [`events`]: the one event trait. Every core object reports to its binding
//!   through [`Handler`] (`event`, and `read`/`ready` for what reads its own
//!   descriptor) and reaches the loop through one [`events::Host`] (later phases,
//!   drains, the exit flush, a timer and exit hooks); the reactor calls nothing but
//!   the core's own objects ([`stream`], [`listener`], [`wake`]).
//! - [`decode`]: what a readable stream's `data` listeners get, bytes or text from
//!   Node's `StringDecoder` (never a split character).
//! - [`flush`]: the exit-flush service. Every writer (the fork channel, node-ipc
//!   connections, `net` sockets, and so the pool's worker channels and HTTP) registers
//!   with it, and at exit one poll loop writes everything still queued, reading from
//!   each peer meanwhile, under one deadline rule ([`deadline`]).
//! - [`listener`]: a listening socket (one accept per wake, EMFILE back-off, the
//!   socket file, ref/unref) under `net.Server` and node-ipc's server; accepted
//!   connections are `Event::Accepted`.
//! - [`reactor`]: epoll and the table of open handles (`Source<C>`, `Interest`,
//!   `Ready`); [`handle`]: one owned descriptor in it, holding the loop while active
//!   and ref'd and while a request is pending on it, closed only by being dropped.
//!   Every stream, listener and wake keeps its descriptor in a `Handle`, and they
//!   are the reactor's only sources.
//! - [`stream`]: a socket, pipe or channel that reads and writes (`Stream<C>`);
//!   with blocking writes (`stream_blocking`) it is `process.stdout`/`stderr`.
//! - [`readable`]: a readable stream's flow state (flowing, paused, read-ahead,
//!   `end` once), sans-IO.
//! - [`wake`]: a descriptor another thread or a signal handler writes to wake the
//!   loop (the fs work queue, the signal pipe, the REPL's editor thread).

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
pub mod wake;
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
