//! Header helpers shared by parsing and framing: token lists, validation of what a
//! script puts in a header (no CR/LF: no response splitting), and how Node folds
//! repeated request headers into `req.headers`.

/// True when the comma-separated list `value` holds `token` (case-insensitive).
pub fn has_token(value: &str, token: &str) -> bool {
    value.split(',').any(|t| t.trim().eq_ignore_ascii_case(token))
}

/// RFC 9110 token characters: what a header name may be made of.
pub fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Node's `checkInvalidHeaderChar`: tab, visible ASCII, and bytes from 0x80 up.
pub fn is_valid_value(s: &str) -> bool {
    s.chars().all(|c| c == '\t' || (' '..='~').contains(&c) || ('\u{80}'..='\u{ff}').contains(&c))
}

/// How `req.headers` treats a repeated header (Node's `_addHeaderLine`).
#[derive(Debug, PartialEq, Eq)]
pub enum Fold {
    /// Only the first is kept (`content-type`, `host`, …).
    First,
    /// Collected in an array (`set-cookie`).
    Array,
    /// Joined with `"; "` (`cookie`).
    Semicolon,
    /// Joined with `", "` (everything else).
    Comma,
}

pub fn fold_of(lower: &str) -> Fold {
    match lower {
        "content-type"
        | "content-length"
        | "user-agent"
        | "referer"
        | "host"
        | "authorization"
        | "proxy-authorization"
        | "if-modified-since"
        | "if-unmodified-since"
        | "from"
        | "location"
        | "max-forwards"
        | "retry-after"
        | "etag"
        | "last-modified"
        | "server"
        | "age"
        | "expires" => Fold::First,
        "set-cookie" => Fold::Array,
        "cookie" => Fold::Semicolon,
        _ => Fold::Comma,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_values() {
        assert!(has_token("keep-alive, Upgrade", "upgrade"));
        assert!(!has_token("closed", "close"));
        assert!(is_token("X-Foo") && !is_token("X Foo") && !is_token(""));
        assert!(is_valid_value("a\tb é") && !is_valid_value("a\r\nSet-Cookie: x"));
        assert_eq!(fold_of("host"), Fold::First);
        assert_eq!(fold_of("accept"), Fold::Comma);
    }
}
