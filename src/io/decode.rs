//! What a readable stream's `data` listeners get, without any scripting: a [`Chunk`]
//! of bytes, or after `setEncoding(enc)` text from [`Decoder`], Node's
//! `StringDecoder`, which never splits a multi-byte character (or a UTF-16 surrogate
//! pair, or a base64 group) across two chunks and gives what it held back at the end.
//! Every readable (stdin, child pipes, sockets, HTTP bodies) and
//! `require("string_decoder")` decode here; the whole-buffer codecs and encoding
//! names are [`crate::value::encoding`]'s (Rhai-free too).
//!
//! ```ignore
//! let text = TextMode::default();
//! text.set("utf8");
//! assert!(text.chunk(vec![0xe2, 0x82]).is_none());            // held back
//! assert_eq!(text.chunk(vec![0xac]), Some(Chunk::Text("€".into())));
//! ```

use std::cell::RefCell;

use crate::value::encoding::decode;

/// One `data` value: the bytes as read, or their text after `setEncoding`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chunk {
    Bytes(Vec<u8>),
    Text(String),
}

/// Bytes that end in the middle of a unit of `enc`: how many to hold back.
fn incomplete_tail(bytes: &[u8], enc: &str) -> usize {
    match enc {
        "utf8" => utf8_tail(bytes),
        "base64" | "base64url" => bytes.len() % 3,
        "utf16le" => {
            let odd = bytes.len() % 2;
            // A high surrogate last: its pair's second half is still to come. (Node
            // emits the lone half when the length is odd and joins the halves as a JS
            // string; a Rust string cannot hold half a pair, so it waits here.)
            let end = bytes.len() - odd;
            let high = end >= 2 && (0xd8..=0xdb).contains(&bytes[end - 1]);
            odd + if high { 2 } else { 0 }
        }
        _ => 0,
    }
}

/// Node's `utf8CheckIncomplete`: looks back at most 3 bytes for the lead byte of an
/// unfinished sequence. A byte that can never start one (0xf8..) is not held: it
/// becomes U+FFFD at once, as in Node.
fn utf8_tail(bytes: &[u8]) -> usize {
    for back in 1..=bytes.len().min(3) {
        let need = match bytes[bytes.len() - back] {
            0x80..=0xbf => continue,
            0xc0..=0xdf => 2,
            0xe0..=0xef => 3,
            0xf0..=0xf7 => 4,
            _ => return 0,
        };
        return if need > back { back } else { 0 };
    }
    0
}

/// An incremental decoder for one stream (`setEncoding`) or one `StringDecoder`.
#[derive(Debug)]
pub struct Decoder {
    enc: &'static str,
    held: Vec<u8>,
}

impl Decoder {
    /// `enc` comes from [`crate::value::encoding::normalize`].
    pub fn new(enc: &'static str) -> Decoder {
        Decoder { enc, held: Vec::new() }
    }

    pub fn encoding(&self) -> &'static str {
        self.enc
    }

    /// The text of `chunk`, holding back an unfinished character for the next one.
    pub fn write(&mut self, chunk: &[u8]) -> String {
        let mut bytes = std::mem::take(&mut self.held);
        bytes.extend_from_slice(chunk);
        let keep = incomplete_tail(&bytes, self.enc);
        self.held = bytes.split_off(bytes.len() - keep);
        decode(&bytes, self.enc)
    }

    /// What is still held, at the end of the stream ("" if nothing).
    pub fn end(&mut self) -> String {
        let held = std::mem::take(&mut self.held);
        decode(&held, self.enc)
    }
}

/// A readable stream's `setEncoding` state: bytes pass through until an encoding is
/// set. Interior mutability because a stream decodes from `&self` callbacks.
#[derive(Debug, Default)]
pub struct TextMode(RefCell<Option<Decoder>>);

impl TextMode {
    /// `setEncoding(enc)`; `enc` comes from [`crate::value::encoding::normalize`].
    pub fn set(&self, enc: &'static str) {
        *self.0.borrow_mut() = Some(Decoder::new(enc));
    }

    /// Back to bytes (a socket's `setEncoding(null)`).
    pub fn clear(&self) {
        *self.0.borrow_mut() = None;
    }

    pub fn encoding(&self) -> Option<&'static str> {
        self.0.borrow().as_ref().map(Decoder::encoding)
    }

    /// The `data` value for `bytes`; `None` when all of it was held back (a stream
    /// never emits an empty chunk).
    pub fn chunk(&self, bytes: Vec<u8>) -> Option<Chunk> {
        match self.0.borrow_mut().as_mut() {
            Some(d) => {
                let text = d.write(&bytes);
                (!text.is_empty()).then_some(Chunk::Text(text))
            }
            None => Some(Chunk::Bytes(bytes)),
        }
    }

    /// What is still held back at the end of the stream, as a last `data` value.
    pub fn rest(&self) -> Option<Chunk> {
        let text = self.0.borrow_mut().as_mut().map(Decoder::end).unwrap_or_default();
        (!text.is_empty()).then_some(Chunk::Text(text))
    }
}

#[cfg(test)]
#[path = "decode_tests.rs"]
mod tests;
