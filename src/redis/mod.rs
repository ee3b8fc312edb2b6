//! The Redis client core, Rhai-free and sans-IO: RESP encoding and decoding
//! ([`resp`]), the connection state machine ([`conn::Conn`]: command queue, one write
//! per tick, reply matching in order, pub/sub mode, offline queue and reconnect
//! backoff), and connection URLs ([`url`]). The script binding (`api::redis`) puts it
//! on a `net.Socket`, as the HTTP client does, so it shares net's socket layer.

pub mod conn;
pub mod resp;
pub mod streams;
pub mod url;

#[cfg(test)]
mod tests;
