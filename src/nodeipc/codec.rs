//! node-ipc frames: `{"type":T,"data":D}` followed by the delimiter.
//!
//! Done better than node-ipc 9.x, which only parses when a read happens to end on the
//! delimiter: every complete frame is handed back as soon as it is in, whatever
//! follows it. A frame that is not JSON, not `{type: string}`, or names a reserved
//! event is one [`Frame::Invalid`] and the frames after it still arrive. A frame
//! larger than the cap is refused and skipped up to its delimiter, so the connection
//! stays usable; a partial frame left at end of input is reported by
//! [`Decoder::finish`] instead of being dropped. The error codes are those of
//! node-ipc 14's codec (`ERR_IPC_…`).

use memchr::memmem;
use serde_json::Value;

/// Event names a peer may not send: they are the ones the endpoints emit themselves
/// (node-ipc 13+ reserves the same list), so a peer cannot fake a `connect`.
pub const RESERVED: &[&str] =
    &["start", "connect", "disconnect", "destroy", "close", "socket.disconnected", "error", "data"];

/// Why a frame was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrameError {
    /// `ERR_IPC_INVALID_JSON`, `ERR_IPC_INVALID_MESSAGE`, `ERR_IPC_RESERVED_EVENT`,
    /// `ERR_IPC_FRAME_TOO_LARGE` or `ERR_IPC_INCOMPLETE_FRAME`.
    pub code: &'static str,
    pub message: String,
    /// The start of the offending bytes, for the error report.
    pub excerpt: String,
}

/// One decoded frame.
#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    /// `data` is `Null` when the frame had none.
    Event {
        kind: String,
        data: Value,
    },
    Invalid(FrameError),
}

pub struct Decoder {
    delim: Vec<u8>,
    finder: memmem::Finder<'static>,
    max: usize,
    /// The start of a frame whose delimiter has not arrived yet.
    buf: Vec<u8>,
    /// Bytes of `buf` already searched for the delimiter.
    scanned: usize,
    /// Throwing away the rest of an oversized frame, up to its delimiter.
    skipping: bool,
}

impl Decoder {
    /// `delim` must not be empty (the config refuses an empty delimiter).
    pub fn new(delim: &[u8], max: usize) -> Decoder {
        assert!(!delim.is_empty(), "a delimiter has at least one byte");
        let finder = memmem::Finder::new(delim).into_owned();
        Decoder { delim: delim.to_vec(), finder, max, buf: Vec::new(), scanned: 0, skipping: false }
    }

    /// Adds bytes from the peer and appends every frame they complete to `out`.
    pub fn push(&mut self, bytes: &[u8], out: &mut Vec<Frame>) {
        let keep = self.delim.len() - 1;
        let mut bytes = bytes;
        if self.skipping {
            // The delimiter may straddle two reads: search the tail kept last time too.
            self.buf.extend_from_slice(bytes);
            bytes = &[];
            match self.finder.find(&self.buf) {
                Some(i) => {
                    self.skipping = false;
                    self.buf.drain(..i + self.delim.len());
                }
                None => {
                    let cut = self.buf.len().saturating_sub(keep);
                    self.buf.drain(..cut);
                    return;
                }
            }
        }
        if self.buf.is_empty() {
            // The common case: frames decoded straight from the read, only a tail copied.
            let used = self.split(bytes, out);
            self.buf.extend_from_slice(&bytes[used..]);
        } else {
            self.buf.extend_from_slice(bytes);
            if let Some(i) = self.finder.find(&self.buf[self.scanned..]) {
                let end = self.scanned + i;
                let mut rest = std::mem::take(&mut self.buf);
                out.push(self.decode(&rest[..end]));
                let start = end + self.delim.len();
                let used = self.split(&rest[start..], out);
                rest.drain(..start + used);
                self.buf = rest;
            }
        }
        self.scanned = self.buf.len().saturating_sub(keep);
        if self.buf.len() > self.max {
            out.push(Frame::Invalid(FrameError {
                code: "ERR_IPC_FRAME_TOO_LARGE",
                message: format!("frame larger than the limit of {} bytes", self.max),
                excerpt: excerpt(&self.buf),
            }));
            let cut = self.buf.len().saturating_sub(keep);
            self.buf.drain(..cut);
            self.scanned = 0;
            self.skipping = true;
        }
    }

    /// Decodes every complete frame of `bytes`; returns how many bytes they used.
    fn split(&self, bytes: &[u8], out: &mut Vec<Frame>) -> usize {
        let mut start = 0;
        while let Some(i) = self.finder.find(&bytes[start..]) {
            out.push(self.decode(&bytes[start..start + i]));
            start += i + self.delim.len();
        }
        start
    }

    fn decode(&self, frame: &[u8]) -> Frame {
        if frame.len() > self.max {
            return Frame::Invalid(FrameError {
                code: "ERR_IPC_FRAME_TOO_LARGE",
                message: format!("frame of {} bytes is larger than the limit of {} bytes", frame.len(), self.max),
                excerpt: excerpt(frame),
            });
        }
        decode(frame)
    }

    /// At end of input: a partial frame left over is an error, not silently dropped.
    pub fn finish(&mut self) -> Option<FrameError> {
        let skipping = std::mem::replace(&mut self.skipping, false);
        let rest = std::mem::take(&mut self.buf);
        self.scanned = 0;
        if skipping || rest.iter().all(u8::is_ascii_whitespace) {
            return None;
        }
        Some(FrameError {
            code: "ERR_IPC_INCOMPLETE_FRAME",
            message: format!("connection closed in the middle of a frame ({} bytes without a delimiter)", rest.len()),
            excerpt: excerpt(&rest),
        })
    }

    /// Bytes held while waiting for a delimiter.
    #[cfg(test)]
    pub fn pending(&self) -> usize {
        self.buf.len()
    }
}

fn excerpt(bytes: &[u8]) -> String {
    let s = String::from_utf8_lossy(&bytes[..bytes.len().min(80)]).into_owned();
    if bytes.len() > 80 { format!("{s}…") } else { s }
}

fn invalid(code: &'static str, message: String, frame: &[u8]) -> Frame {
    Frame::Invalid(FrameError { code, message, excerpt: excerpt(frame) })
}

/// One frame's bytes (without the delimiter) to an event.
pub fn decode(frame: &[u8]) -> Frame {
    let value = match serde_json::from_slice::<Value>(frame) {
        Ok(v) => v,
        Err(e) => return invalid("ERR_IPC_INVALID_JSON", format!("Invalid JSON response format: {e}"), frame),
    };
    let Value::Object(mut map) = value else {
        return invalid("ERR_IPC_INVALID_MESSAGE", "a frame must be an object {type, data}".into(), frame);
    };
    let kind = match map.remove("type") {
        Some(Value::String(s)) => s,
        _ => return invalid("ERR_IPC_INVALID_MESSAGE", "a frame's \"type\" must be a string".into(), frame),
    };
    if RESERVED.contains(&kind.as_str()) {
        return invalid("ERR_IPC_RESERVED_EVENT", format!("the peer sent the reserved event \"{kind}\""), frame);
    }
    Frame::Event { kind, data: map.remove("data").unwrap_or(Value::Null) }
}

/// `{"type":T,"data":D}` + delimiter, as node-ipc writes it (`type` first). `data_json`
/// is already JSON text.
pub fn encode(kind: &str, data_json: &str, delim: &[u8]) -> Vec<u8> {
    let kind = serde_json::to_string(kind).expect("a string serializes");
    let mut v = Vec::with_capacity(kind.len() + data_json.len() + 18 + delim.len());
    v.extend_from_slice(b"{\"type\":");
    v.extend_from_slice(kind.as_bytes());
    v.extend_from_slice(b",\"data\":");
    v.extend_from_slice(data_json.as_bytes());
    v.push(b'}');
    v.extend_from_slice(delim);
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ev(kind: &str, data: Value) -> Frame {
        Frame::Event { kind: kind.into(), data }
    }

    fn push(d: &mut Decoder, bytes: &[u8]) -> Vec<Frame> {
        let mut out = Vec::new();
        d.push(bytes, &mut out);
        out
    }

    fn code(f: &Frame) -> &'static str {
        match f {
            Frame::Invalid(e) => e.code,
            Frame::Event { .. } => "event",
        }
    }

    #[test]
    fn encodes_like_node_ipc() {
        // The bytes node-ipc 9.2.1 wrote (reference/anchors.md A.2).
        assert_eq!(
            encode("hello", r#"{"id":"world"}"#, b"\x0c"),
            b"{\"type\":\"hello\",\"data\":{\"id\":\"world\"}}\x0c"
        );
        assert_eq!(encode("caf\u{e9}\x0c", "{}", b"\x0c"), "{\"type\":\"caf\u{e9}\\f\",\"data\":{}}\x0c".as_bytes());
    }

    #[test]
    fn complete_frames_are_delivered_before_a_partial_one() {
        // 9.x holds all three back until the third is complete.
        let mut d = Decoder::new(b"\x0c", 1 << 20);
        let got = push(&mut d, b"{\"type\":\"a\",\"data\":1}\x0c{\"type\":\"b\",\"data\":{}}\x0c{\"type\":\"c\",\"da");
        assert_eq!(got, vec![ev("a", json!(1)), ev("b", json!({}))]);
        assert_eq!(push(&mut d, b"ta\":[true]}"), vec![]);
        assert_eq!(push(&mut d, b"\x0c"), vec![ev("c", json!([true]))]);
        assert_eq!(d.pending(), 0);
        assert_eq!(d.finish(), None);
    }

    #[test]
    fn a_frame_split_byte_by_byte_and_a_multibyte_delimiter() {
        let wire = encode("tick", r#""caf\u00e9""#, b"\r\n\r\n");
        let mut d = Decoder::new(b"\r\n\r\n", 1 << 20);
        let mut got = Vec::new();
        for b in wire.iter().chain(wire.iter()) {
            d.push(std::slice::from_ref(b), &mut got);
        }
        assert_eq!(got, vec![ev("tick", json!("café")), ev("tick", json!("café"))]);
    }

    #[test]
    fn malformed_frames_do_not_hide_the_next_ones() {
        let mut d = Decoder::new(b"\x0c", 1 << 20);
        let got = push(
            &mut d,
            b"not json\x0c5\x0c{\"type\":3}\x0c{\"type\":\"connect\"}\x0c\xff\xfe\x0c{\"type\":\"ok\"}\x0c",
        );
        let codes: Vec<_> = got.iter().map(code).collect();
        assert_eq!(
            codes,
            [
                "ERR_IPC_INVALID_JSON",
                "ERR_IPC_INVALID_MESSAGE",
                "ERR_IPC_INVALID_MESSAGE",
                "ERR_IPC_RESERVED_EVENT",
                "ERR_IPC_INVALID_JSON",
                "event"
            ]
        );
        assert_eq!(got[5], ev("ok", Value::Null), "a frame without data has data null");
        let Frame::Invalid(e) = &got[0] else { unreachable!() };
        assert!(e.message.starts_with("Invalid JSON response format") && e.excerpt == "not json");
    }

    #[test]
    fn oversized_frames_are_refused_and_the_stream_goes_on() {
        let mut d = Decoder::new(b"\x0c", 32);
        let big = encode("big", &format!("\"{}\"", "x".repeat(40)), b"\x0c");
        // Whole in one read.
        let got = push(&mut d, &[big.as_slice(), b"{\"type\":\"s\"}\x0c"].concat());
        assert_eq!(got.iter().map(code).collect::<Vec<_>>(), ["ERR_IPC_FRAME_TOO_LARGE", "event"]);
        // Trickled in: refused once past the cap, the rest skipped, nothing kept.
        let mut got = Vec::new();
        for chunk in big.chunks(7) {
            d.push(chunk, &mut got);
            assert!(d.pending() <= 32);
        }
        d.push(b"{\"type\":\"after\",\"data\":2}\x0c", &mut got);
        assert_eq!(got.iter().map(code).collect::<Vec<_>>(), ["ERR_IPC_FRAME_TOO_LARGE", "event"]);
        assert_eq!(got[1], ev("after", json!(2)));
    }

    #[test]
    fn skipping_finds_a_delimiter_split_across_reads() {
        // The oversized frame ends with a delimiter split over two reads; the frame
        // after it (exactly at the limit) arrives.
        let mut d = Decoder::new(b"<>", 12);
        assert_eq!(push(&mut d, b"0123456789abcd<").iter().map(code).collect::<Vec<_>>(), ["ERR_IPC_FRAME_TOO_LARGE"]);
        assert_eq!(push(&mut d, b">{\"type\":\"a\"}<>"), vec![ev("a", Value::Null)]);
        let mut d = Decoder::new(b"<>", 1 << 10);
        assert_eq!(push(&mut d, b"{\"type\":\"a\"}<"), vec![]);
        assert_eq!(push(&mut d, b">"), vec![ev("a", Value::Null)]);
    }

    #[test]
    fn a_cap_below_the_delimiter_length_still_works() {
        let mut d = Decoder::new(b"<<<>>>", 1);
        assert_eq!(push(&mut d, b"{\"ty").iter().map(code).collect::<Vec<_>>(), ["ERR_IPC_FRAME_TOO_LARGE"]);
        assert_eq!(
            push(&mut d, b"pe\":\"a\"}<<<>>>x<<<>>>").iter().map(code).collect::<Vec<_>>(),
            ["ERR_IPC_INVALID_JSON"]
        );
    }

    #[test]
    fn partial_frame_at_end_is_reported() {
        let mut d = Decoder::new(b"\x0c", 1 << 20);
        assert_eq!(push(&mut d, b"{\"type\":\"a\"}\x0c{\"type\":\"half"), vec![ev("a", Value::Null)]);
        let e = d.finish().expect("an incomplete frame");
        assert_eq!(e.code, "ERR_IPC_INCOMPLETE_FRAME");
        assert_eq!(e.excerpt, "{\"type\":\"half");
        assert_eq!(d.finish(), None, "reported once");
    }
}
