//! Response framing as Node's `OutgoingMessage._storeHeader` does it: the status
//! line, the script's headers in order, then `Date`, `Connection`/`Keep-Alive`, and
//! `Content-Length` (when `end(data)` came before any `write`) or chunked encoding.

use std::time::{SystemTime, UNIX_EPOCH};

use super::headers::has_token;

/// What decides the framing besides the headers.
#[derive(Clone, Debug)]
pub struct Framing {
    /// llhttp's keep-alive verdict on the request (`res.shouldKeepAlive`).
    pub keep_alive: bool,
    /// HTTP/1.1 requests (and 1.0 ones that accept chunked) allow chunking.
    pub chunked_ok: bool,
    /// False for HEAD requests and 1xx/204/304 statuses.
    pub has_body: bool,
    /// The body length, when the whole body is known at header time.
    pub content_length: Option<usize>,
    pub send_date: bool,
    /// `server.keepAliveTimeout` in ms (0: no `Keep-Alive` header).
    pub keep_alive_timeout: u64,
}

/// A serialised head and how the body that follows must be sent.
#[derive(Debug, PartialEq, Eq)]
pub struct Head {
    pub bytes: Vec<u8>,
    pub chunked: bool,
    /// The connection closes after this response (Node's `_last`).
    pub last: bool,
}

pub fn head(status: u16, reason: &str, headers: &[(String, String)], f: &Framing) -> Head {
    let mut out = format!("HTTP/1.1 {status} {reason}\r\n");
    let (mut connection, mut cont_len, mut te, mut date) = (false, false, false, false);
    let (mut last, mut keep_alive, mut chunked, mut default_keep_alive) = (false, f.keep_alive, false, true);
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
        match name.to_ascii_lowercase().as_str() {
            "connection" => {
                connection = true;
                if has_token(value, "close") {
                    last = true;
                } else {
                    keep_alive = true;
                }
            }
            "transfer-encoding" => {
                te = true;
                chunked |= has_token(value, "chunked");
            }
            "content-length" => cont_len = true,
            "date" => date = true,
            "keep-alive" => default_keep_alive = false,
            _ => {}
        }
    }
    if f.send_date && !date {
        out.push_str(&format!("Date: {}\r\n", http_date(SystemTime::now())));
    }
    if chunked && (status == 204 || status == 304) {
        chunked = false;
        keep_alive = false;
    }
    if !connection {
        if keep_alive && (cont_len || f.chunked_ok) {
            out.push_str("Connection: keep-alive\r\n");
            if f.keep_alive_timeout > 0 && default_keep_alive {
                out.push_str(&format!("Keep-Alive: timeout={}\r\n", f.keep_alive_timeout / 1000));
            }
        } else {
            last = true;
            out.push_str("Connection: close\r\n");
        }
    }
    if !cont_len && !te {
        if !f.has_body {
            chunked = false;
        } else if !f.chunked_ok {
            last = true;
        } else if let Some(n) = f.content_length {
            out.push_str(&format!("Content-Length: {n}\r\n"));
        } else {
            out.push_str("Transfer-Encoding: chunked\r\n");
            chunked = true;
        }
    }
    out.push_str("\r\n");
    Head { bytes: out.into_bytes(), chunked, last }
}

/// One chunk of a chunked body (empty data gives nothing: the empty chunk ends it).
pub fn chunk(data: &[u8]) -> Vec<u8> {
    if data.is_empty() {
        return Vec::new();
    }
    let mut out = format!("{:x}\r\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
    out
}

pub const LAST_CHUNK: &[u8] = b"0\r\n\r\n";

/// IMF-fixdate (`Thu, 26 Nov 2026 08:07:33 GMT`), the form of Node's `Date` header.
pub fn http_date(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
    let (y, m, d) = civil_from_days(days as i64);
    let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][m as usize - 1];
    format!("{weekday}, {d:02} {month} {y} {:02}:{:02}:{:02} GMT", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// Howard Hinnant's `civil_from_days`: days since 1970-01-01 → (year, month, day).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Node's `http.STATUS_CODES`.
pub fn status_text(code: u16) -> &'static str {
    match code {
        100 => "Continue",
        101 => "Switching Protocols",
        102 => "Processing",
        103 => "Early Hints",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non-Authoritative Information",
        204 => "No Content",
        205 => "Reset Content",
        206 => "Partial Content",
        207 => "Multi-Status",
        208 => "Already Reported",
        226 => "IM Used",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        305 => "Use Proxy",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Payload Too Large",
        414 => "URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Range Not Satisfiable",
        417 => "Expectation Failed",
        418 => "I'm a Teapot",
        421 => "Misdirected Request",
        422 => "Unprocessable Entity",
        423 => "Locked",
        424 => "Failed Dependency",
        425 => "Too Early",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        451 => "Unavailable For Legal Reasons",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        506 => "Variant Also Negotiates",
        507 => "Insufficient Storage",
        508 => "Loop Detected",
        509 => "Bandwidth Limit Exceeded",
        510 => "Not Extended",
        511 => "Network Authentication Required",
        _ => "unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn framing() -> Framing {
        Framing {
            keep_alive: true,
            chunked_ok: true,
            has_body: true,
            content_length: None,
            send_date: false,
            keep_alive_timeout: 5000,
        }
    }

    fn text(h: &Head) -> &str {
        std::str::from_utf8(&h.bytes).unwrap()
    }

    #[test]
    fn node_header_order_and_framing() {
        let h = head(200, "OK", &[("X-Foo".into(), "bar".into())], &Framing { content_length: Some(8), ..framing() });
        assert_eq!(
            text(&h),
            "HTTP/1.1 200 OK\r\nX-Foo: bar\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nContent-Length: 8\r\n\r\n"
        );
        assert!(!h.chunked && !h.last);
        let h = head(201, "Created", &[], &framing());
        assert!(text(&h).ends_with("Keep-Alive: timeout=5\r\nTransfer-Encoding: chunked\r\n\r\n") && h.chunked);
        let h = head(200, "OK", &[], &Framing { keep_alive: false, content_length: Some(0), ..framing() });
        assert_eq!(text(&h), "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
        assert!(h.last);
    }

    #[test]
    fn http10_head_and_user_headers() {
        // HTTP/1.0 keep-alive without a declared length: close-delimited, like Node.
        let h = head(200, "OK", &[], &Framing { chunked_ok: false, ..framing() });
        assert_eq!(text(&h), "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
        assert!(h.last && !h.chunked);
        let h = head(204, "No Content", &[], &Framing { has_body: false, ..framing() });
        assert!(!text(&h).contains("Content-Length") && !h.chunked);
        let h = head(
            200,
            "OK",
            &[("Content-Length".into(), "3".into()), ("Connection".into(), "close".into())],
            &framing(),
        );
        assert_eq!(text(&h), "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\n");
        assert!(h.last);
    }

    #[test]
    fn chunks_and_dates() {
        assert_eq!(chunk(b"part1 "), b"6\r\npart1 \r\n");
        assert!(chunk(b"").is_empty());
        let t = UNIX_EPOCH + std::time::Duration::from_secs(1_795_680_453);
        assert_eq!(http_date(t), "Thu, 26 Nov 2026 08:07:33 GMT");
        assert_eq!(http_date(UNIX_EPOCH), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(status_text(404), "Not Found");
    }
}
