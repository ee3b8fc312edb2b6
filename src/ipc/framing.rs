//! Node's fork-channel framing: one `JSON.stringify(msg) + "\n"` per message.
//!
//! Node splits on `\n` and `JSON.parse`s each line, and a bad line crashes the
//! receiver. Here a bad line is one [`Frame::Malformed`] and the lines after it in the
//! same read still arrive; a line longer than the cap is skipped up to its newline, so
//! the channel stays usable.

use rhai::{Dynamic, ImmutableString, Map};

/// A decoded line.
#[derive(Debug)]
pub enum Frame {
    /// The message, parsed straight into a script value.
    Message(Dynamic),
    /// Not JSON (or empty): what was wrong, and the start of the line.
    Malformed { error: String, excerpt: String },
    /// A line over the size cap (its length so far); the rest of it is discarded.
    TooLarge(usize),
}

/// A decoded line and where it started in the byte stream (descriptors that came
/// with the bytes at that position belong to it).
#[cfg(test)]
#[derive(Debug)]
pub struct Located {
    pub start: u64,
    pub frame: Frame,
}

/// After a line this long, the buffer that held it is given back (capacity kept
/// for ordinary traffic).
pub const KEEP_CAPACITY: usize = 1 << 20;

pub struct Decoder {
    /// The start of a line whose newline has not come yet (never holds a newline).
    buf: Vec<u8>,
    /// Stream offset just past the last byte pushed.
    pos: u64,
    max: usize,
    /// Discarding the remainder of an oversized line.
    skipping: bool,
}

impl Decoder {
    pub fn new(max: usize) -> Decoder {
        Decoder { buf: Vec::new(), pos: 0, max, skipping: false }
    }

    /// Adds bytes from the peer; returns every line they completed.
    #[cfg(test)]
    pub fn push(&mut self, bytes: &[u8]) -> Vec<Frame> {
        self.push_located(bytes).into_iter().map(|l| l.frame).collect()
    }

    /// [`push`](Self::push), with each line's start offset in the stream.
    #[cfg(test)]
    pub fn push_located(&mut self, bytes: &[u8]) -> Vec<Located> {
        let mut frames = Vec::new();
        self.push_each(bytes, |start, frame, _| frames.push(Located { start, frame }));
        frames
    }

    /// Where the next line to be reported starts: no line starts before it any more.
    pub fn next_start(&self) -> u64 {
        self.pos - self.buf.len() as u64
    }

    /// Adds bytes from the peer and calls `each(start, frame, size)` for every line
    /// they complete, in order: its start offset in the stream, and the bytes it took
    /// on the wire (its newline included). Nothing is collected: a read of thousands
    /// of lines made a vector of frames that large (its allocation set off malloc's
    /// consolidation of the freed messages, about 300 instructions a message).
    #[cfg(test)]
    pub fn push_each(&mut self, bytes: &[u8], mut each: impl FnMut(u64, Frame, usize)) {
        self.push_lines(bytes, |start, line, size| {
            each(
                start,
                match line {
                    Ok(text) => decode(text),
                    Err(n) => Frame::TooLarge(n),
                },
                size,
            )
        });
    }

    /// [`push_each`](Self::push_each) with each line's text undecoded (`Err(n)`: a
    /// line over the cap, `n` bytes so far), for a caller that decodes it later
    /// (`decode`). Whole lines are handed over where they lie in `bytes`; only a
    /// line's start whose newline has not come yet is kept (copying every read into
    /// the buffer first cost about 100 instructions a message).
    pub fn push_lines(&mut self, bytes: &[u8], mut each: impl FnMut(u64, Result<&[u8], usize>, usize)) {
        let mut data = bytes;
        self.pos += bytes.len() as u64;
        if self.skipping {
            match memchr::memchr(b'\n', data) {
                Some(i) => {
                    self.skipping = false;
                    data = &data[i + 1..];
                }
                None => return,
            }
        }
        // Stream offset of data[0].
        let mut base = self.pos - data.len() as u64;
        if !self.buf.is_empty() {
            let Some(nl) = memchr::memchr(b'\n', data) else {
                self.buf.extend_from_slice(data);
                return self.check_size(each);
            };
            self.buf.extend_from_slice(&data[..nl]);
            let start = base - (self.buf.len() - nl) as u64;
            each(start, Ok(&self.buf), self.buf.len() + 1);
            self.buf.clear();
            data = &data[nl + 1..];
            base += nl as u64 + 1;
        }
        let mut start = 0;
        // `find_newline` picks the search by what is left: a round trip's short read
        // is scanned byte by byte, a long one searched with memchr.
        while let Some(nl) = data.get(start..).and_then(find_newline).map(|i| start + i) {
            each(base + start as u64, Ok(&data[start..nl]), nl + 1 - start);
            start = nl + 1;
        }
        self.buf.extend_from_slice(&data[start..]);
        self.check_size(each);
    }

    /// A partial line over the cap is reported, and the rest of it will be skipped.
    fn check_size(&mut self, mut each: impl FnMut(u64, Result<&[u8], usize>, usize)) {
        if self.buf.len() > self.max {
            let n = self.buf.len();
            each(self.next_start(), Err(n), n);
            self.buf.clear();
            self.skipping = true;
        }
        self.shrink();
    }

    /// A huge line is gone: give its memory back instead of keeping it for the
    /// channel's lifetime.
    fn shrink(&mut self) {
        if self.buf.capacity() > KEEP_CAPACITY && self.buf.len() <= KEEP_CAPACITY / 2 {
            self.buf.shrink_to(KEEP_CAPACITY / 2);
        }
    }

    #[cfg(test)]
    pub fn capacity(&self) -> usize {
        self.buf.capacity()
    }

    /// At end of input: a partial line left over is reported, not dropped.
    pub fn finish(&mut self) -> Option<Frame> {
        if self.buf.is_empty() {
            return None;
        }
        let excerpt = excerpt(&self.buf);
        self.buf = Vec::new();
        Some(Frame::Malformed { error: "incomplete message at end of channel".into(), excerpt })
    }
}

/// Up to this many bytes, a newline is looked for byte by byte.
const SHORT_SCAN: usize = 32;

/// Where the first newline in `bytes` is: a plain scan in a short slice (a round
/// trip's message is a read of about ten bytes, where memchr's vector set-up cost
/// more than the bytes, about 80 instructions a call), memchr in a longer one.
pub fn find_newline(bytes: &[u8]) -> Option<usize> {
    if bytes.len() <= SHORT_SCAN { bytes.iter().position(|&b| b == b'\n') } else { memchr::memchr(b'\n', bytes) }
}

fn excerpt(line: &[u8]) -> String {
    let s = String::from_utf8_lossy(&line[..line.len().min(60)]).into_owned();
    if line.len() > 60 { format!("{s}…") } else { s }
}

/// One line's message, or what is wrong with it.
pub fn decode(line: &[u8]) -> Frame {
    match crate::value::lenient::parse(line) {
        Ok(v) => Frame::Message(v),
        Err(e) => Frame::Malformed {
            error: if line.is_empty() { "empty message line".into() } else { e },
            excerpt: excerpt(line),
        },
    }
}

/// `JSON.stringify(msg) + "\n"`.
pub fn encode(json: &str) -> Vec<u8> {
    let mut v = Vec::with_capacity(json.len() + 1);
    v.extend_from_slice(json.as_bytes());
    v.push(b'\n');
    v
}

/// A message's `cmd` field, when it is an object with a string there.
pub fn command(v: &Dynamic) -> Option<ImmutableString> {
    let m = v.read_lock::<Map>()?;
    m.get("cmd")?.read_lock::<ImmutableString>().map(|c| c.clone())
}

/// Node keeps messages whose `cmd` starts with `NODE_` (and is longer) internal.
pub fn is_internal(v: &Dynamic) -> bool {
    command(v).is_some_and(|c| is_internal_command(&c))
}

/// [`is_internal`] for a `cmd` already looked up.
pub fn is_internal_command(cmd: &str) -> bool {
    cmd.len() > 5 && cmd.starts_with("NODE_")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A frame as text: a message as its JSON, the others by kind.
    fn show(f: &Frame) -> String {
        match f {
            Frame::Message(v) => crate::value::json::stringify(v, "").unwrap_or_default(),
            Frame::Malformed { error, excerpt } => format!("malformed({error}; {excerpt})"),
            Frame::TooLarge(n) => format!("too large({n})"),
        }
    }

    fn shown(frames: &[Frame]) -> Vec<String> {
        frames.iter().map(show).collect()
    }

    #[test]
    fn newlines_are_found_short_or_long() {
        for len in 0..80 {
            let none = vec![b'x'; len];
            assert_eq!(find_newline(&none), None, "len {len}");
            for at in 0..len {
                let mut line = none.clone();
                line[at] = b'\n';
                if at + 1 < len {
                    line[len - 1] = b'\n';
                }
                assert_eq!(find_newline(&line), Some(at), "len {len}, newline at {at}");
            }
        }
    }

    #[test]
    fn split_frames_and_partial_lines() {
        let mut d = Decoder::new(1 << 20);
        assert_eq!(shown(&d.push(b"{\"a\":1}\n\"spl")), ["{\"a\":1}"]);
        assert_eq!(shown(&d.push(b"it\"\n")), ["\"split\""]);
        assert_eq!(shown(&d.push(b"[1]\n[2]\n")), ["[1]", "[2]"]);
        assert!(d.finish().is_none());
    }

    #[test]
    fn malformed_lines_do_not_hide_the_next_ones() {
        let mut d = Decoder::new(1 << 20);
        let frames = d.push(b"{oops\n\n7\n");
        assert!(matches!(&frames[0], Frame::Malformed { excerpt, .. } if excerpt == "{oops"));
        assert!(matches!(&frames[1], Frame::Malformed { error, .. } if error == "empty message line"));
        assert_eq!(show(&frames[2]), "7");
        d.push(b"{\"half\":");
        assert!(matches!(d.finish(), Some(Frame::Malformed { .. })));
    }

    #[test]
    fn oversized_line_is_skipped_and_the_channel_goes_on() {
        let mut d = Decoder::new(8);
        let frames = d.push(b"\"0123456789");
        assert_eq!(shown(&frames), ["too large(11)"]);
        assert!(d.push(b"more junk").is_empty());
        assert_eq!(shown(&d.push(b"rest\"\n1\n")), ["1"]);
    }

    #[test]
    fn lines_know_where_they_started() {
        let mut d = Decoder::new(1 << 20);
        let got = d.push_located(b"1\n22");
        assert_eq!(got.iter().map(|l| (l.start, show(&l.frame))).collect::<Vec<_>>(), [(0, "1".to_string())]);
        assert_eq!(d.next_start(), 2);
        let got = d.push_located(b"\n333\n");
        assert_eq!(got.iter().map(|l| l.start).collect::<Vec<_>>(), vec![2, 5]);
        assert_eq!(d.next_start(), 9);
    }

    #[test]
    fn a_huge_line_does_not_keep_its_buffer() {
        let mut d = Decoder::new(64 << 20);
        let big = format!("\"{}", "x".repeat(16 << 20));
        for chunk in big.as_bytes().chunks(256 << 10) {
            assert!(d.push(chunk).is_empty());
        }
        assert!(d.capacity() >= 16 << 20);
        let frames = d.push(b"\"\n7\n");
        assert!(matches!(&frames[0], Frame::Message(v) if v.to_string().len() == 16 << 20));
        assert!(d.capacity() <= KEEP_CAPACITY, "capacity {} kept after the big line", d.capacity());
        d.push(b"{\"half\":");
        assert_eq!(shown(&d.push(b"1}\n")), ["{\"half\":1}"]);
    }

    #[test]
    fn internal_messages() {
        let parse = |s: &str| crate::value::json_seed::from_slice(s.as_bytes()).unwrap();
        assert!(is_internal(&parse(r#"{"cmd":"NODE_HANDLE_ACK"}"#)));
        assert!(!is_internal(&parse(r#"{"cmd":"NODE_"}"#)));
        assert!(!is_internal(&parse(r#"{"cmd":5}"#)));
        assert!(!is_internal(&parse(r#""NODE_HANDLE_ACK""#)));
        assert_eq!(command(&parse(r#"{"cmd":"x","a":1}"#)).as_deref(), Some("x"));
        assert_eq!(encode("\"x\""), b"\"x\"\n");
    }
}
