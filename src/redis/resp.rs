//! RESP2 on the wire: commands are encoded here (an array of bulk strings, which is
//! all a client sends); replies are decoded by the `redis-protocol` crate, which
//! returns "need more data" on a partial frame, into our own [`Reply`].

use redis_protocol::resp2::decode::decode;
use redis_protocol::resp2::types::OwnedFrame;

/// One reply from the server.
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    Nil,
    /// `+OK` and other simple strings.
    Status(String),
    Int(i64),
    Bulk(Vec<u8>),
    Array(Vec<Reply>),
    /// `-ERR …`: the server's message, kept whole (`ERR`, `WRONGTYPE`… included).
    Error(String),
}

impl Reply {
    /// The bytes of a bulk or simple string.
    pub fn bytes(&self) -> Option<&[u8]> {
        match self {
            Reply::Bulk(b) => Some(b),
            Reply::Status(s) => Some(s.as_bytes()),
            _ => None,
        }
    }
}

fn convert(f: OwnedFrame) -> Reply {
    match f {
        OwnedFrame::SimpleString(s) => Reply::Status(String::from_utf8_lossy(&s).into_owned()),
        OwnedFrame::Error(e) => Reply::Error(e),
        OwnedFrame::Integer(i) => Reply::Int(i),
        OwnedFrame::BulkString(b) => Reply::Bulk(b),
        OwnedFrame::Array(a) => Reply::Array(a.into_iter().map(convert).collect()),
        OwnedFrame::Null => Reply::Nil,
    }
}

/// The next complete reply at the start of `buf` and its length; `Ok(None)` when
/// more bytes are needed; `Err` when the stream is not RESP2.
pub fn next(buf: &[u8]) -> Result<Option<(Reply, usize)>, String> {
    match decode(buf) {
        Ok(Some((frame, used))) => Ok(Some((convert(frame), used))),
        Ok(None) => Ok(None),
        Err(e) => Err(format!("{e:?}")),
    }
}

/// Appends `args` as one command (`*N\r\n$len\r\narg\r\n…`).
pub fn encode(out: &mut Vec<u8>, args: &[Vec<u8>]) {
    use std::io::Write;
    let _ = write!(out, "*{}\r\n", args.len());
    for a in args {
        let _ = write!(out, "${}\r\n", a.len());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
}
