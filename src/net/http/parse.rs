//! Incremental HTTP/1.x request parsing. Heads and chunk sizes are parsed by
//! `httparse`; this file decides the body framing (RFC 9112 §6: Transfer-Encoding,
//! then Content-Length, else no body), decodes chunked bodies and yields events.
//! Malformed input is an error carrying the llhttp code Node reports (`HPE_…`) and the
//! status Node answers with (400, or 431 for oversized heads).

use super::body::{Body, Piece};
use super::headers::has_token;

/// The methods llhttp accepts (Node's `http.METHODS`); others are `HPE_INVALID_METHOD`.
pub const METHODS: &[&str] = &[
    "ACL",
    "BIND",
    "CHECKOUT",
    "CONNECT",
    "COPY",
    "DELETE",
    "GET",
    "HEAD",
    "LINK",
    "LOCK",
    "M-SEARCH",
    "MERGE",
    "MKACTIVITY",
    "MKCALENDAR",
    "MKCOL",
    "MOVE",
    "NOTIFY",
    "OPTIONS",
    "PATCH",
    "POST",
    "PROPFIND",
    "PROPPATCH",
    "PURGE",
    "PUT",
    "QUERY",
    "REBIND",
    "REPORT",
    "SEARCH",
    "SOURCE",
    "SUBSCRIBE",
    "TRACE",
    "UNBIND",
    "UNLINK",
    "UNLOCK",
    "UNSUBSCRIBE",
];

/// Node's default `maxHeaderSize`.
pub const MAX_HEAD: usize = 16 * 1024;
/// Header lines parsed without a heap allocation; more take a second, heap pass.
const STACK_HEADERS: usize = 256;
/// Node counts the URL, names and values against `maxHeaderSize` (not the colons,
/// spaces and CRLFs): each line counts at least one byte, so this many slots mean
/// only the size limits a head; an unfinished head may buffer this much raw.
const MAX_HEADERS: usize = MAX_HEAD + 1;
const MAX_RAW_HEAD: usize = 4 * MAX_HEAD;
/// Node keeps the first 1000 header lines (`maxHeadersCount`: 2000 name/value
/// entries) and drops the rest without an error.
const KEPT_HEADERS: usize = 1000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestHead {
    pub method: String,
    pub url: String,
    /// The minor version: `HTTP/1.0` or `HTTP/1.1`.
    pub minor: u8,
    /// Names as received; values decoded as latin1, as Node does.
    pub headers: Vec<(String, String)>,
    /// llhttp's `should_keep_alive`.
    pub keep_alive: bool,
    pub expect_continue: bool,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Event {
    Head(RequestHead),
    Body(Vec<u8>),
    /// The request (head and body) is complete.
    End,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub code: &'static str,
    pub reason: &'static str,
    /// The status of the error response Node sends.
    pub status: u16,
}

pub(super) const fn bad(code: &'static str, reason: &'static str) -> ParseError {
    ParseError { code, reason, status: 400 }
}

/// One parse of a request head with `slots` header slots: the head's length, the
/// head and its body framing; `None` while incomplete; the "many" pseudo-error
/// when more slots are needed.
#[allow(clippy::type_complexity)]
fn parse_head<'b>(
    buf: &'b [u8],
    slots: &mut [httparse::Header<'b>],
) -> Option<Result<(usize, RequestHead, Body), ParseError>> {
    const OVERFLOW: ParseError = ParseError { code: "HPE_HEADER_OVERFLOW", reason: "Header overflow", status: 431 };
    let cap = slots.len();
    let mut req = httparse::Request::new(slots);
    let n = match req.parse(buf) {
        Ok(httparse::Status::Complete(n)) => n,
        // Unfinished: its bytes less the separators estimate Node's count.
        Ok(httparse::Status::Partial)
            if buf.len() > MAX_RAW_HEAD || buf.iter().filter(|b| !b" :\t\r\n".contains(b)).count() > MAX_HEAD =>
        {
            return Some(Err(OVERFLOW));
        }
        Ok(httparse::Status::Partial) => return None,
        Err(httparse::Error::TooManyHeaders) if cap < MAX_HEADERS => {
            return Some(Err(bad("many", "")));
        }
        Err(httparse::Error::TooManyHeaders) => return Some(Err(OVERFLOW)),
        Err(httparse::Error::Version) => return Some(Err(bad("HPE_INVALID_VERSION", "Invalid HTTP version"))),
        Err(httparse::Error::Token) => return Some(Err(bad("HPE_INVALID_METHOD", "Invalid method encountered"))),
        Err(_) => return Some(Err(bad("HPE_INVALID_HEADER_TOKEN", "Invalid header token"))),
    };
    let counted =
        req.path.map_or(0, str::len) + req.headers.iter().map(|h| h.name.len() + h.value.len()).sum::<usize>();
    if counted > MAX_HEAD {
        return Some(Err(OVERFLOW));
    }
    // llhttp (strict, as Node 20 runs it) wants CRLF: a bare LF is a 400.
    if buf[..n].iter().enumerate().any(|(i, &b)| b == b'\n' && (i == 0 || buf[i - 1] != b'\r')) {
        return Some(Err(bad("HPE_CR_EXPECTED", "Missing expected CR after header value")));
    }
    let headers: Vec<(String, String)> = req
        .headers
        .iter()
        .take(KEPT_HEADERS)
        .map(|h| (h.name.to_string(), h.value.iter().map(|&b| b as char).collect()))
        .collect();
    let method = req.method.unwrap_or("GET");
    if !METHODS.contains(&method) {
        return Some(Err(bad("HPE_INVALID_METHOD", "Invalid method encountered")));
    }
    let minor = req.version.unwrap_or(1);
    let head = RequestHead {
        method: method.to_string(),
        url: req.path.unwrap_or("/").to_string(),
        minor,
        keep_alive: keep_alive(minor, &headers),
        expect_continue: minor == 1 && values(&headers, "expect").any(|v| v.eq_ignore_ascii_case("100-continue")),
        headers,
    };
    let body = match framing(&head.headers, Body::Length(0)) {
        Ok(b) => b,
        Err(e) => return Some(Err(e)),
    };
    Some(Ok((n, head, body)))
}

#[derive(Default)]
pub struct RequestParser {
    buf: Vec<u8>,
    body: Option<Body>,
    failed: Option<ParseError>,
}

impl RequestParser {
    pub fn feed(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// Between two requests (nothing of a request is pending).
    pub fn at_boundary(&self) -> bool {
        self.body.is_none()
    }

    /// Bytes received and not yet parsed.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// The next event, `None` when more input is needed. After an error the parser
    /// stays failed: the connection cannot be resynchronised.
    pub fn next(&mut self) -> Option<Result<Event, ParseError>> {
        if let Some(e) = self.failed {
            return Some(Err(e));
        }
        let r = match self.body {
            None => self.head(),
            Some(_) => self.body(),
        };
        if let Some(Err(e)) = r {
            self.failed = Some(e);
        }
        r
    }

    fn head(&mut self) -> Option<Result<Event, ParseError>> {
        let mut slots = [httparse::EMPTY_HEADER; STACK_HEADERS];
        let r = match parse_head(&self.buf, &mut slots) {
            Some(Err(e)) if e.code == "many" => {
                let mut slots = vec![httparse::EMPTY_HEADER; MAX_HEADERS];
                parse_head(&self.buf, &mut slots)
            }
            r => r,
        };
        let (n, head, body) = match r? {
            Ok(x) => x,
            Err(e) => return Some(Err(e)),
        };
        self.buf.drain(..n);
        self.body = Some(body);
        Some(Ok(Event::Head(head)))
    }

    fn body(&mut self) -> Option<Result<Event, ParseError>> {
        match self.body.as_mut().expect("inside a body").next(&mut self.buf)? {
            Ok(Piece::Data(b)) => Some(Ok(Event::Body(b))),
            Ok(Piece::End) => {
                self.body = None;
                Some(Ok(Event::End))
            }
            Err(e) => Some(Err(e)),
        }
    }
}

pub(super) fn values<'a>(headers: &'a [(String, String)], name: &'a str) -> impl Iterator<Item = &'a str> {
    headers.iter().filter(move |(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim())
}

pub(super) fn keep_alive(minor: u8, headers: &[(String, String)]) -> bool {
    let conn: Vec<&str> = values(headers, "connection").collect();
    if minor >= 1 {
        !conn.iter().any(|v| has_token(v, "close"))
    } else {
        conn.iter().any(|v| has_token(v, "keep-alive"))
    }
}

/// RFC 9112 §6.3: chunked if Transfer-Encoding ends in `chunked`; a Content-Length
/// beside it, a Transfer-Encoding without `chunked` last, or conflicting lengths are
/// the request-smuggling shapes llhttp rejects.
pub(super) fn framing(headers: &[(String, String)], none: Body) -> Result<Body, ParseError> {
    let te: Vec<&str> = values(headers, "transfer-encoding").collect();
    let cl: Vec<&str> = values(headers, "content-length").collect();
    if !te.is_empty() {
        if !cl.is_empty() {
            return Err(bad("HPE_UNEXPECTED_CONTENT_LENGTH", "Content-Length can't be present with Transfer-Encoding"));
        }
        let last = te.last().and_then(|v| v.rsplit(',').next()).map(str::trim).unwrap_or("");
        if !last.eq_ignore_ascii_case("chunked") {
            return Err(bad("HPE_INVALID_TRANSFER_ENCODING", "Request has invalid `Transfer-Encoding`"));
        }
        return Ok(Body::ChunkSize);
    }
    let mut length: Option<u64> = None;
    for v in cl {
        let ok = !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit());
        let n = v.parse::<u64>().ok().filter(|_| ok);
        match (n, length) {
            (None, _) => return Err(bad("HPE_INVALID_CONTENT_LENGTH", "Invalid character in Content-Length")),
            (Some(n), Some(prev)) if n != prev => {
                return Err(bad("HPE_UNEXPECTED_CONTENT_LENGTH", "Duplicate Content-Length"));
            }
            (Some(n), _) => length = Some(n),
        }
    }
    Ok(length.map(Body::Length).unwrap_or(none))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(p: &mut RequestParser) -> Vec<Result<Event, ParseError>> {
        let mut out = Vec::new();
        while let Some(e) = p.next() {
            let stop = e.is_err();
            out.push(e);
            if stop {
                break;
            }
        }
        out
    }

    #[test]
    fn pipelined_requests_byte_by_byte() {
        let text = b"GET /a HTTP/1.1\r\nHost: x\r\n\r\nPOST /b HTTP/1.0\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\nxyz";
        let mut p = RequestParser::default();
        let mut events = Vec::new();
        for b in text.iter() {
            p.feed(std::slice::from_ref(b));
            events.extend(all(&mut p));
        }
        let heads: Vec<&RequestHead> =
            events.iter().filter_map(|e| if let Ok(Event::Head(h)) = e { Some(h) } else { None }).collect();
        assert_eq!(heads.len(), 2);
        assert_eq!((heads[0].method.as_str(), heads[0].url.as_str(), heads[0].keep_alive), ("GET", "/a", true));
        assert_eq!((heads[1].minor, heads[1].keep_alive), (0, true));
        let body: Vec<u8> = events
            .iter()
            .filter_map(|e| if let Ok(Event::Body(b)) = e { Some(b.clone()) } else { None })
            .flatten()
            .collect();
        assert_eq!(body, b"xyz");
        assert_eq!(events.iter().filter(|e| matches!(e, Ok(Event::End))).count(), 2);
        assert!(p.at_boundary());
    }

    #[test]
    fn chunked_body_with_trailer() {
        let mut p = RequestParser::default();
        p.feed(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n4\r\nWiki\r\n5;x=y\r\npedia\r\n0\r\nX-T: 1\r\n\r\n");
        let ev = all(&mut p);
        let Ok(Event::Head(h)) = &ev[0] else { panic!("head first") };
        assert!(!h.keep_alive);
        assert_eq!(ev[1..], [Ok(Event::Body(b"Wiki".to_vec())), Ok(Event::Body(b"pedia".to_vec())), Ok(Event::End)]);
    }

    #[test]
    fn smuggling_shapes_and_garbage_are_errors() {
        for (text, code) in [
            (
                "POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
                "HPE_UNEXPECTED_CONTENT_LENGTH",
            ),
            ("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "HPE_UNEXPECTED_CONTENT_LENGTH"),
            ("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", "HPE_INVALID_CONTENT_LENGTH"),
            ("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", "HPE_INVALID_TRANSFER_ENCODING"),
            ("GET / HTTP/9.9\r\n\r\n", "HPE_INVALID_VERSION"),
            ("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "HPE_INVALID_CHUNK_SIZE"),
            ("GARBAGE / HTTP/1.1\r\n\r\n", "HPE_INVALID_METHOD"),
            ("GET / HTTP/1.1\nHost: x\n\n", "HPE_CR_EXPECTED"),
        ] {
            let mut p = RequestParser::default();
            p.feed(text.as_bytes());
            let last = all(&mut p).pop().unwrap();
            assert_eq!(last.map_err(|e| e.code), Err(code), "{text:?}");
            assert!(p.next().unwrap().is_err(), "stays failed");
        }
        let mut p = RequestParser::default();
        p.feed(format!("GET / HTTP/1.1\r\nX: {}", "a".repeat(MAX_HEAD)).as_bytes());
        assert_eq!(p.next().unwrap().map_err(|e| e.status), Err(431));
    }

    #[test]
    fn header_count_is_limited_by_size_only() {
        let lines: String = (0..2500).map(|i| format!("h{i}:\r\n")).collect();
        let mut p = RequestParser::default();
        p.feed(format!("GET / HTTP/1.1\r\n{lines}\r\n").as_bytes());
        match p.next() {
            Some(Ok(Event::Head(h))) => assert_eq!(h.headers.len(), KEPT_HEADERS),
            other => panic!("{other:?}"),
        }
    }
}
