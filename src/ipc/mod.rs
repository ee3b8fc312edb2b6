//! Node's fork channel, spoken exactly: an AF_UNIX stream socketpair, one JSON text
//! plus `\n` per message, `NODE_`-prefixed objects internal, descriptors passed with
//! SCM_RIGHTS inside the `NODE_HANDLE`/`NODE_HANDLE_ACK` exchange.

pub mod channel;
pub mod framing;
