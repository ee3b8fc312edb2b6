//! The client side of HTTP/1.x, without any scripting: the request head a client
//! sends (Node's `ClientRequest` with `agent: false`), a small `http://` URL parser,
//! and an incremental response parser (heads by `httparse`, bodies by
//! [`super::body`]: length, chunked, or until the connection closes).

use super::body::{Body, Piece};
use super::parse::{MAX_HEAD, ParseError, bad, framing, keep_alive};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseHead {
    pub status: u16,
    pub reason: String,
    pub minor: u8,
    /// Names as received; values decoded as latin1, as Node does.
    pub headers: Vec<(String, String)>,
    pub keep_alive: bool,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Event {
    Head(ResponseHead),
    Body(Vec<u8>),
    End,
}

/// Parses one response (procbox's client sends `Connection: close`).
pub struct ResponseParser {
    buf: Vec<u8>,
    body: Option<Body>,
    /// The request was `HEAD`: no body whatever the headers say.
    head_request: bool,
    done: bool,
    eof: bool,
}

impl ResponseParser {
    pub fn new(head_request: bool) -> ResponseParser {
        ResponseParser { buf: Vec::new(), body: None, head_request, done: false, eof: false }
    }

    pub fn feed(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// The server closed its side: a body framed by the close is complete.
    pub fn finish(&mut self) {
        self.eof = true;
    }

    pub fn next(&mut self) -> Option<Result<Event, ParseError>> {
        if self.done {
            return None;
        }
        let Some(body) = self.body.as_mut() else { return self.head() };
        match body.next(&mut self.buf) {
            Some(Ok(Piece::Data(b))) => Some(Ok(Event::Body(b))),
            Some(Ok(Piece::End)) => self.end(),
            Some(Err(e)) => {
                self.done = true;
                Some(Err(e))
            }
            None if self.eof && matches!(body, Body::UntilEof) => self.end(),
            None => None,
        }
    }

    fn end(&mut self) -> Option<Result<Event, ParseError>> {
        self.body = None;
        self.done = true;
        Some(Ok(Event::End))
    }

    fn head(&mut self) -> Option<Result<Event, ParseError>> {
        loop {
            let mut slots = [httparse::EMPTY_HEADER; 256];
            let mut res = httparse::Response::new(&mut slots);
            let n = match res.parse(&self.buf) {
                Ok(httparse::Status::Complete(n)) if n <= MAX_HEAD => n,
                Ok(httparse::Status::Partial) if self.buf.len() <= MAX_HEAD => return None,
                Ok(_) | Err(httparse::Error::TooManyHeaders) => {
                    self.done = true;
                    return Some(Err(ParseError { code: "HPE_HEADER_OVERFLOW", reason: "Header overflow", status: 0 }));
                }
                Err(_) => {
                    self.done = true;
                    return Some(Err(bad("HPE_INVALID_CONSTANT", "Expected HTTP/")));
                }
            };
            let status = res.code.unwrap_or(0);
            let minor = res.version.unwrap_or(1);
            let headers: Vec<(String, String)> = res
                .headers
                .iter()
                .map(|h| (h.name.to_string(), h.value.iter().map(|&b| b as char).collect()))
                .collect();
            let reason = res.reason.unwrap_or("").to_string();
            self.buf.drain(..n);
            // 1xx (except 101) are interim: the real response follows.
            if (100..200).contains(&status) && status != 101 {
                continue;
            }
            let no_body = self.head_request || status == 204 || status == 304 || (100..200).contains(&status);
            let body = if no_body { Ok(Body::Length(0)) } else { framing(&headers, Body::UntilEof) };
            match body {
                Ok(b) => self.body = Some(b),
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
            }
            let keep = keep_alive(minor, &headers);
            return Some(Ok(Event::Head(ResponseHead { status, reason, minor, headers, keep_alive: keep })));
        }
    }
}

/// The parts of an `http://` URL a request needs.
#[derive(Debug, PartialEq, Eq)]
pub struct Url {
    pub host: String,
    pub port: Option<u16>,
    /// Path and query, `/` at least.
    pub path: String,
    /// `user:password` before the `@`, percent-decoded.
    pub auth: Option<String>,
}

/// `%XX` sequences decoded (invalid ones kept), as Node decodes a URL's userinfo.
pub(crate) fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Parses `http://host[:port][/path][?query]`; `Err(protocol)` for another scheme,
/// `Err("")` for something that is not a URL.
pub fn parse_url(url: &str) -> Result<Url, String> {
    let Some((scheme, rest)) = url.split_once("://") else { return Err(String::new()) };
    if !scheme.eq_ignore_ascii_case("http") {
        return Err(format!("{}:", scheme.to_ascii_lowercase()));
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let (auth, authority) = match authority.rsplit_once('@') {
        Some((user, host)) => (Some(percent_decode(user)), host),
        None => (None, authority),
    };
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => {
            let (h, after) = v6.split_once(']').ok_or_else(String::new)?;
            (h.to_string(), after.strip_prefix(':'))
        }
        None => match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), Some(p)),
            None => (authority.to_string(), None),
        },
    };
    if host.is_empty() {
        return Err(String::new());
    }
    let port = match port.filter(|p| !p.is_empty()) {
        Some(p) => Some(p.parse::<u16>().map_err(|_| String::new())?),
        None => None,
    };
    let tail = tail.split('#').next().unwrap_or("");
    let path = if tail.starts_with('/') { tail.to_string() } else { format!("/{tail}") };
    Ok(Url { host: host.to_ascii_lowercase(), port, path, auth })
}

/// What the head says about the body the client will send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    /// No body header (a GET ended without data).
    None,
    Length(usize),
    Chunked,
}

/// The request head, as Node writes it: the headers in order (the script's, then the
/// `Host` and `Authorization` the request added), `Connection: close` unless given,
/// then the body's framing header.
pub fn request_head(method: &str, path: &str, headers: &[(String, String)], framing: Framing) -> String {
    let has = |name: &str| headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name));
    let mut out = format!("{method} {path} HTTP/1.1\r\n");
    for (n, v) in headers {
        out.push_str(&format!("{n}: {v}\r\n"));
    }
    if !has("connection") {
        out.push_str("Connection: close\r\n");
    }
    if !has("content-length") && !has("transfer-encoding") {
        match framing {
            Framing::None => {}
            Framing::Length(n) => out.push_str(&format!("Content-Length: {n}\r\n")),
            Framing::Chunked => out.push_str("Transfer-Encoding: chunked\r\n"),
        }
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(p: &mut ResponseParser) -> Vec<Event> {
        std::iter::from_fn(|| p.next()).map(|e| e.expect("valid")).collect()
    }

    #[test]
    fn chunked_length_and_until_close() {
        let mut p = ResponseParser::new(false);
        for b in
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n"
        {
            p.feed(std::slice::from_ref(b));
        }
        let ev = all(&mut p);
        assert!(matches!(&ev[0], Event::Head(h) if h.status == 200 && h.reason == "OK"));
        assert_eq!(ev[1..], [Event::Body(b"hi".to_vec()), Event::End]);

        let mut p = ResponseParser::new(false);
        p.feed(b"HTTP/1.0 404 Not Found\r\n\r\nbye");
        let ev = all(&mut p);
        assert_eq!(ev[1..], [Event::Body(b"bye".to_vec())]);
        p.finish();
        assert_eq!(all(&mut p), [Event::End]);

        let mut p = ResponseParser::new(true);
        p.feed(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
        assert_eq!(all(&mut p)[1..], [Event::End]);
    }

    #[test]
    fn urls_and_heads() {
        let u = parse_url("http://Example.com:8080/a/b?c=1#frag").unwrap();
        assert_eq!(u, Url { host: "example.com".into(), port: Some(8080), path: "/a/b?c=1".into(), auth: None });
        let v6 = parse_url("http://u%40x:p@[::1]").unwrap();
        assert_eq!(v6, Url { host: "::1".into(), port: None, path: "/".into(), auth: Some("u@x:p".into()) });
        assert_eq!(parse_url("https://x"), Err("https:".into()));
        assert!(parse_url("nope").is_err());
        assert_eq!(
            request_head("POST", "/p", &[("Host".into(), "localhost:1".into())], Framing::Length(3)),
            "POST /p HTTP/1.1\r\nHost: localhost:1\r\nConnection: close\r\nContent-Length: 3\r\n\r\n"
        );
    }
}
