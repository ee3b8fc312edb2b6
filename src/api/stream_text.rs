//! The script side of readable-stream decoding: a [`Chunk`] from the core's decoder
//! ([`crate::io::decode`], where every readable stream's `setEncoding` state lives)
//! becomes a BLOB or a string for the `data` listeners, and an encoding name Node
//! does not know becomes its `ERR_UNKNOWN_ENCODING`.

use rhai::{Dynamic, EvalAltResult};

use crate::io::decode::Chunk;
use crate::value::encoding;
use crate::value::error;

/// Node's error for an encoding it does not know.
pub fn unknown_encoding(enc: &str) -> Box<EvalAltResult> {
    error::throw(error::coded("TypeError", "ERR_UNKNOWN_ENCODING", &format!("Unknown encoding: {enc}")))
}

/// The canonical encoding name, or Node's `ERR_UNKNOWN_ENCODING`.
pub fn parse(enc: &str) -> Result<&'static str, Box<EvalAltResult>> {
    encoding::normalize(enc).ok_or_else(|| unknown_encoding(enc))
}

/// A `data` value: bytes as a BLOB, text as a string.
impl From<Chunk> for Dynamic {
    fn from(c: Chunk) -> Dynamic {
        match c {
            Chunk::Bytes(b) => Dynamic::from_blob(b),
            Chunk::Text(t) => Dynamic::from(t),
        }
    }
}
