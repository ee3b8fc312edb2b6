//! The one place every readable stream (stdin, a child's stdout/stderr, sockets, HTTP
//! requests and responses) turns bytes into what its `data` listeners get: a BLOB,
//! or after `setEncoding(enc)` text from Node's `StringDecoder`
//! ([`crate::value::encoding::Decoder`]), which never splits a multi-byte character
//! across two `data` events and gives what it held back at `end`.

use std::cell::RefCell;

use rhai::{Dynamic, EvalAltResult};

use crate::value::encoding::{self, Decoder};
use crate::value::error;

/// Node's error for an encoding it does not know.
pub fn unknown_encoding(enc: &str) -> Box<EvalAltResult> {
    error::throw(error::coded("TypeError", "ERR_UNKNOWN_ENCODING", &format!("Unknown encoding: {enc}")))
}

/// The canonical encoding name, or Node's `ERR_UNKNOWN_ENCODING`.
pub fn parse(enc: &str) -> Result<&'static str, Box<EvalAltResult>> {
    encoding::normalize(enc).ok_or_else(|| unknown_encoding(enc))
}

/// A readable stream's `setEncoding` state.
#[derive(Debug, Default)]
pub struct TextMode(pub(crate) RefCell<Option<Decoder>>);

impl TextMode {
    /// `setEncoding(enc)`; `None` is `setEncoding()` (UTF-8).
    pub fn set(&self, enc: Option<&str>) -> Result<(), Box<EvalAltResult>> {
        let enc = match enc {
            Some(e) => parse(e)?,
            None => "utf8",
        };
        self.set_known(enc);
        Ok(())
    }

    /// `enc` comes from [`encoding::normalize`].
    pub fn set_known(&self, enc: &'static str) {
        *self.0.borrow_mut() = Some(Decoder::new(enc));
    }

    pub fn encoding(&self) -> Option<&'static str> {
        self.0.borrow().as_ref().map(Decoder::encoding)
    }

    /// The `data` value for `bytes`; `None` when all of it was held back.
    pub fn chunk(&self, bytes: Vec<u8>) -> Option<Dynamic> {
        match self.0.borrow_mut().as_mut() {
            Some(d) => {
                let text = d.write(&bytes);
                (!text.is_empty()).then(|| Dynamic::from(text))
            }
            None => Some(Dynamic::from_blob(bytes)),
        }
    }

    /// What is still held back at the end of the stream, as a last `data` value.
    pub fn rest(&self) -> Option<Dynamic> {
        let text = self.0.borrow_mut().as_mut().map(Decoder::end).unwrap_or_default();
        (!text.is_empty()).then(|| Dynamic::from(text))
    }
}
