//! HTTP/1.x for `require("http")`, without any scripting: request parsing (heads by
//! `httparse`, bodies framed here) and response framing as Node does it.

pub mod body;
pub mod client;
pub mod headers;
pub mod parse;
pub mod response;

pub use parse::{Event, ParseError, RequestHead, RequestParser};
