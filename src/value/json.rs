//! `JSON.stringify` and `JSON.parse` over Rhai values.
//!
//! `()` is JSON `null` both ways; functions are left out of objects and become `null`
//! in arrays, as JavaScript does; a BLOB serializes like a Node Buffer. Rhai maps keep
//! their keys sorted, so object keys come out in sorted order (see README).

use rhai::{Array, Blob, Dynamic, FnPtr, ImmutableString, Map};
use serde_json::Value;

use super::js_number;

/// Serializes `v`; `indent` is the `space` argument ("" for compact output).
/// Returns `None` where JavaScript returns `undefined` (a bare function).
pub fn stringify(v: &Dynamic, indent: &str) -> Option<String> {
    // Most values are small messages: one allocation of this size takes them whole.
    let mut out = String::with_capacity(128);
    write_value(&mut out, v, indent, 0).then_some(out)
}

/// [`stringify`] appended to `out` (a caller's reused buffer); false, with nothing
/// written, where `stringify` gives `None`.
pub fn stringify_into(out: &mut String, v: &Dynamic, indent: &str) -> bool {
    write_value(out, v, indent, 0)
}

/// Writes straight into `out` (no clone of the value, no string per number, key or
/// string value): an IPC message is stringified on every `send`.
fn write_value(out: &mut String, v: &Dynamic, indent: &str, level: usize) -> bool {
    use std::fmt::Write;
    // The types are told apart in order of how often messages hold them (a map, an
    // integer, a string): a failed `as_*` costs a type-name lookup, three of them for
    // every map when booleans were asked first.
    if v.is_unit() {
        out.push_str("null");
    } else if v.is_map() {
        let m = v.read_lock::<Map>().expect("is_map() above; Rhai flattens shared values put in containers and reports a data race before passing a locked one");
        let fields = m.iter().filter(|(_, x)| !x.is::<FnPtr>());
        write_seq(out, fields, indent, level, '{', '}', |out, (k, x), lvl| {
            escape_into(out, k.as_str());
            out.push(':');
            if !indent.is_empty() {
                out.push(' ');
            }
            write_value(out, x, indent, lvl);
        });
    } else if let Ok(i) = v.as_int() {
        push_int(out, i);
    } else if let Some(s) = v.read_lock::<ImmutableString>() {
        escape_into(out, &s);
    } else if let Ok(b) = v.as_bool() {
        out.push_str(if b { "true" } else { "false" });
    } else if let Ok(f) = v.as_float() {
        out.push_str(&if f.is_finite() { js_number(f) } else { "null".into() });
    } else if v.is_string() || v.is_char() {
        escape_into(out, &v.to_string());
    } else if v.is_array() {
        let a = v.read_lock::<Array>().expect("is_array() above; Rhai flattens shared values put in containers and reports a data race before passing a locked one");
        write_seq(out, a.iter(), indent, level, '[', ']', |out, item, lvl| {
            if !write_value(out, item, indent, lvl) {
                out.push_str("null");
            }
        });
    } else if v.is_blob() {
        let b = v.read_lock::<Blob>().expect("is_blob() above; Rhai flattens shared values put in containers and reports a data race before passing a locked one");
        out.push_str("{\"type\":\"Buffer\",\"data\":[");
        for (i, x) in b.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(out, "{x}");
        }
        out.push_str("]}");
    } else if v.is::<FnPtr>() {
        return false;
    } else {
        out.push_str("{}");
    }
    true
}

/// Decimal digits of `i` (as `{i}` formats it, without the formatting machinery:
/// message ids and counters are stringified on every `send`).
fn push_int(out: &mut String, i: rhai::INT) {
    if i < 0 {
        out.push('-');
    }
    push_u64(out, i.unsigned_abs());
}

/// Decimal digits of `n`, without the formatting machinery (also the pool's job ids).
pub fn push_u64(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // Appended as bytes: a UTF-8 check of the slice cost more than the digits (twice
    // per pool job), and pushing them as characters about 30 instructions a digit.
    // SAFETY: every byte appended is an ASCII digit (b'0' + a value below 10), so
    // `out` stays valid UTF-8.
    unsafe { out.as_mut_vec() }.extend_from_slice(digits.get(at..).unwrap_or_default());
}

/// A JSON string literal, escaped as `JSON.stringify` (and serde_json) escape it:
/// `"` and `\\`, the short escapes `\b \f \n \r \t`, other control characters as
/// `\u00xx`; everything else as is.
// Every cut is at an ASCII byte (a whole character): see the comment in the loop.
#[allow(clippy::string_slice)]
fn escape_into(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    if !needs_escape(s.as_bytes()) {
        out.push_str(s);
        out.push('"');
        return;
    }
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let short = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        // Control and ASCII bytes are whole characters: slicing here stays on
        // character boundaries.
        out.push_str(&s[start..i]);
        if short.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 0xf) as usize] as char);
        } else {
            out.push_str(short);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// Whether `bytes` hold a `"`, a `\\` or a control character. Every message's keys
/// and strings pass here, and almost none has any: eight bytes are checked at a
/// time (the byte-by-byte walk was about 5 instructions a byte, a third of a
/// 100-byte message's `send`).
fn needs_escape(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // A byte's high bit is set where that byte of `x` is below `n` (`n` <= 0x80),
    // and only there or above a byte that is: enough to say whether any is.
    let below = |x: u64, n: u64| x.wrapping_sub(ONES * n) & !x & HIGH;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let x = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
        if below(x, 0x20) | below(x ^ (ONES * u64::from(b'"')), 1) | below(x ^ (ONES * u64::from(b'\\')), 1) != 0 {
            return true;
        }
    }
    words.remainder().iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\')
}

fn write_seq<I: Iterator>(
    out: &mut String,
    items: I,
    indent: &str,
    level: usize,
    open: char,
    close: char,
    mut each: impl FnMut(&mut String, I::Item, usize),
) {
    out.push(open);
    let mut any = false;
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push(',');
        }
        if !indent.is_empty() {
            out.push('\n');
            out.push_str(&indent.repeat(level + 1));
        }
        each(out, item, level + 1);
        any = true;
    }
    if any && !indent.is_empty() {
        out.push('\n');
        out.push_str(&indent.repeat(level));
    }
    out.push(close);
}

/// Parses JSON text; the error message follows V8's wording. Never panics: every
/// position taken from serde_json is clamped to a character boundary before use
/// (a byte column can land inside a multi-byte character).
pub fn parse(text: &str) -> Result<Dynamic, String> {
    match super::json_seed::from_slice(text.as_bytes()) {
        Ok(v) => Ok(v),
        // What V8 takes and serde_json refuses (nesting past 128, a lone surrogate
        // escape) is taken as the fork channel takes it, up to its depth limit.
        Err(e) => match super::lenient::parse(text.as_bytes()) {
            Ok(v) => Ok(v),
            Err(deep) if deep.starts_with("nesting") => Err(format!("JSON {deep}")),
            Err(_) => Err(error_message(text, &e)),
        },
    }
}

/// V8's message for a parse failure, chosen from serde_json's error kind.
// Slices by byte index are safe here: `offset_of` moves the offset back to a char boundary.
#[allow(clippy::string_slice)]
fn error_message(text: &str, e: &serde_json::Error) -> String {
    let what = e.to_string();
    if e.is_eof() {
        if what.starts_with("EOF while parsing a string") {
            return format!("Unterminated string in JSON at position {}", utf16_len(text));
        }
        let len = utf16_len(text);
        let last = text.trim_end().chars().last();
        if what.starts_with("EOF while parsing a list") && !matches!(last, Some('[' | ',')) {
            return format!("Expected ',' or ']' after array element in JSON at position {len}");
        }
        if what.starts_with("EOF while parsing an object") && last == Some('{') {
            return format!("Expected property name or '}}' in JSON at position {len}");
        }
        return "Unexpected end of JSON input".into();
    }
    let offset = offset_of(text, e.line(), e.column());
    let pos = utf16_len(&text[..offset]);
    if what.starts_with("trailing characters") {
        format!("Unexpected non-whitespace character after JSON at position {pos}")
    } else if what.starts_with("invalid escape") && !in_unicode_escape(text, offset) {
        format!("Bad escaped character in JSON at position {pos}")
    } else if what.starts_with("invalid escape") || what.starts_with("invalid unicode") || what.contains("hex escape") {
        format!("Bad Unicode escape in JSON at position {pos}")
    } else if what.starts_with("key must be a string") {
        format!("Expected property name or '}}' in JSON at position {pos}")
    } else {
        unexpected_token(text, offset)
    }
}

/// "Unexpected token 'x', <context> is not valid JSON" with V8's context rule: the
/// whole text when short, else 10 characters either side of the token.
// Slices by byte index are safe here: `offset_of` moves the offset back to a char boundary.
#[allow(clippy::string_slice)]
fn unexpected_token(text: &str, offset: usize) -> String {
    const CONTEXT: usize = 10;
    let chars: Vec<char> = text.chars().collect();
    let at = text[..offset].chars().count();
    let token = chars.get(at).copied().unwrap_or(' ');
    let slice = |a: usize, b: usize| chars[a..b.min(chars.len())].iter().collect::<String>();
    let ctx = if chars.len() <= 2 * CONTEXT + 1 {
        format!("\"{text}\"")
    } else if at < CONTEXT {
        format!("\"{}\"...", slice(0, at + CONTEXT))
    } else if at + CONTEXT < chars.len() {
        format!("...\"{}\"...", slice(at - CONTEXT, at + CONTEXT))
    } else {
        format!("...\"{}\"", slice(at - CONTEXT, chars.len()))
    };
    format!("Unexpected token '{token}', {ctx} is not valid JSON")
}

/// Byte offset of serde_json's 1-based (line, byte column), clamped into `text` and
/// moved back to the start of the character it falls in.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    let mut at = (start + column.saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Whether the error offset lies inside a `\\uXXXX` escape (V8 reports those apart).
// Slices by byte index are safe here: `offset` is a boundary (offset_of) and `b` the position of a '\\'.
#[allow(clippy::string_slice)]
fn in_unicode_escape(text: &str, offset: usize) -> bool {
    text[..offset].rfind('\\').is_some_and(|b| text[b..].starts_with("\\u") && offset - b <= 6)
}

fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// Without recursion (see `json_deep`): channel messages may nest thousands deep.
pub fn from_value(v: Value) -> Dynamic {
    super::json_deep::from_value(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multibyte_inside_an_escape_is_a_syntax_error() {
        assert_eq!(parse("[\"\\u12€4\"]").unwrap_err(), "Bad Unicode escape in JSON at position 6");
        assert_eq!(parse("€").unwrap_err(), "Unexpected token '€', \"€\" is not valid JSON");
        assert!(parse("[\"€\\x\"]").is_err());
    }

    #[test]
    fn integers_as_display_writes_them() {
        for i in [0, 1, -1, 9, 10, -10, 12345, rhai::INT::MAX, rhai::INT::MIN, rhai::INT::MIN + 1] {
            let mut out = String::new();
            push_int(&mut out, i);
            assert_eq!(out, i.to_string());
        }
    }

    #[test]
    fn round_trip() {
        let v = parse(r#"{"b":[1,2.5,null,"x\n"],"a":true}"#).unwrap();
        assert_eq!(stringify(&v, "").unwrap(), r#"{"a":true,"b":[1,2.5,null,"x\n"]}"#);
    }

    #[test]
    fn pretty_and_floats() {
        let v = parse(r#"{"a":[1.0],"e":{}}"#).unwrap();
        assert_eq!(stringify(&v, "  ").unwrap(), "{\n  \"a\": [\n    1\n  ],\n  \"e\": {}\n}");
    }

    #[test]
    fn errors_read_like_v8() {
        assert_eq!(parse("{").unwrap_err(), "Expected property name or '}' in JSON at position 1");
        assert_eq!(parse("[1,").unwrap_err(), "Unexpected end of JSON input");
        assert_eq!(parse("[\"€\"  ").unwrap_err(), "Expected ',' or ']' after array element in JSON at position 6");
        assert_eq!(parse("{x}").unwrap_err(), "Expected property name or '}' in JSON at position 1");
        assert_eq!(parse("[1,]").unwrap_err(), "Unexpected token ']', \"[1,]\" is not valid JSON");
        assert_eq!(parse("1 2").unwrap_err(), "Unexpected non-whitespace character after JSON at position 2");
        assert_eq!(parse("\"abc").unwrap_err(), "Unterminated string in JSON at position 4");
        assert_eq!(parse("\"\\x\"").unwrap_err(), "Bad escaped character in JSON at position 2");
        let long = "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,x]";
        assert_eq!(parse(long).unwrap_err(), "Unexpected token 'x', ...\",18,19,20,x]\" is not valid JSON");
    }

    #[test]
    fn strings_escape_as_serde_json_does() {
        let mut all: String = (0u8..0x80).map(char::from).collect();
        all.push_str("é€😀\u{2028}\u{7f}");
        for s in [all.as_str(), "", "plain", "\"\\", "end\n"] {
            let mut out = String::new();
            escape_into(&mut out, s);
            assert_eq!(out, serde_json::to_string(s).unwrap());
        }
        // Escapes and multi-byte characters at every place around the blocks the
        // check works in (32 bytes), in strings of every length up to three blocks.
        for len in 0..100 {
            for at in 0..len {
                for special in ["\"", "\\", "\n", "\u{1f}", "é", "😀"] {
                    let s: String = (0..len).map(|i| if i == at { special } else { "a" }).collect();
                    let mut out = String::new();
                    escape_into(&mut out, &s);
                    assert_eq!(out, serde_json::to_string(&s).unwrap(), "{s:?}");
                }
            }
        }
        let m = parse(r#"{"k\"":["\u0001",-3,1e300,false]}"#).unwrap();
        assert_eq!(stringify(&m, "").unwrap(), r#"{"k\"":["\u0001",-3,1e+300,false]}"#);
    }
}
