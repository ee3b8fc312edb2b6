//! HTTP/1.x message bodies (RFC 9112 §6–7), shared by the request and response
//! parsers: a fixed length, chunked (sizes by `httparse`, trailers skipped), or, for
//! a response without either, everything until the connection closes.

use super::parse::{MAX_HEAD, ParseError, bad};

/// Where a body is: what the next bytes mean.
pub enum Body {
    Length(u64),
    ChunkSize,
    ChunkData(u64),
    ChunkEnd,
    Trailers,
    /// A response framed by the connection's end.
    UntilEof,
}

pub enum Piece {
    Data(Vec<u8>),
    /// The body is complete.
    End,
}

impl Body {
    /// The next piece of the body in `buf`, `None` when more input is needed.
    pub fn next(&mut self, buf: &mut Vec<u8>) -> Option<Result<Piece, ParseError>> {
        loop {
            match self {
                Body::Length(0) => return Some(Ok(Piece::End)),
                Body::Length(rest) => return take(buf, rest).map(|b| Ok(Piece::Data(b))),
                Body::UntilEof => return (!buf.is_empty()).then(|| Ok(Piece::Data(std::mem::take(buf)))),
                Body::ChunkSize => match httparse::parse_chunk_size(buf) {
                    Ok(httparse::Status::Complete((n, size))) => {
                        buf.drain(..n);
                        *self = if size == 0 { Body::Trailers } else { Body::ChunkData(size) };
                    }
                    Ok(httparse::Status::Partial) => return None,
                    Err(_) => return Some(Err(bad("HPE_INVALID_CHUNK_SIZE", "Invalid character in chunk size"))),
                },
                Body::ChunkData(0) => *self = Body::ChunkEnd,
                Body::ChunkData(rest) => return take(buf, rest).map(|b| Ok(Piece::Data(b))),
                Body::ChunkEnd => {
                    if buf.len() < 2 {
                        return None;
                    }
                    if &buf[..2] != b"\r\n" {
                        return Some(Err(bad("HPE_STRICT", "Expected LF after chunk data")));
                    }
                    buf.drain(..2);
                    *self = Body::ChunkSize;
                }
                Body::Trailers => {
                    let mut slots = [httparse::EMPTY_HEADER; 32];
                    match httparse::parse_headers(buf, &mut slots) {
                        Ok(httparse::Status::Complete((n, _))) => {
                            buf.drain(..n);
                            return Some(Ok(Piece::End));
                        }
                        Ok(httparse::Status::Partial) if buf.len() <= MAX_HEAD => return None,
                        _ => return Some(Err(bad("HPE_INVALID_HEADER_TOKEN", "Invalid header token"))),
                    }
                }
            }
        }
    }
}

/// Up to `rest` body bytes from `buf`, `None` if there are none yet.
fn take(buf: &mut Vec<u8>, rest: &mut u64) -> Option<Vec<u8>> {
    if buf.is_empty() {
        return None;
    }
    let n = (*rest).min(buf.len() as u64) as usize;
    *rest -= n as u64;
    Some(if n == buf.len() { std::mem::take(buf) } else { buf.drain(..n).collect() })
}
