//! What Node's `JSON.parse` takes and serde_json refuses, for the fork channel (and
//! the script's `JSON.parse`, `value::json`): a lone surrogate escape (`"\ud800"`),
//! and nesting deeper than serde_json's 128. Rhai-free, below both `ipc` and `value`.
//!
//! The fast path is plain serde_json; only a line it refuses is looked at again, so
//! ordinary messages pay nothing. A lone surrogate cannot live in a Rust string: it
//! becomes U+FFFD. Nesting is accepted up to [`MAX_DEPTH`]: Node's `JSON.parse` has
//! no limit, but a Node peer's `JSON.stringify` stops near 4 185 levels (v20, default
//! stack), and 5 000 is what a debug build still converts, clones and drops on an
//! 8 MiB stack with room to spare. Beyond it the line is refused, saying so.

use serde_json::Value;

/// The deepest nesting accepted on the channel.
pub const MAX_DEPTH: usize = 5_000;

/// Parses one message line the way Node would accept it.
pub fn parse(line: &[u8]) -> Result<Value, String> {
    let first = match serde_json::from_slice::<Value>(line) {
        Ok(v) => return Ok(v),
        Err(e) => e,
    };
    let fixed = replace_lone_surrogates(line);
    let text = fixed.as_deref().unwrap_or(line);
    if fixed.is_some() {
        match serde_json::from_slice::<Value>(text) {
            Ok(v) => return Ok(v),
            Err(e) if !is_depth_error(&e) => return Err(e.to_string()),
            Err(_) => {}
        }
    } else if !is_depth_error(&first) {
        return Err(first.to_string());
    }
    let depth = max_depth(text);
    if depth > MAX_DEPTH {
        return Err(format!("nesting {depth} levels deep, over the limit of {MAX_DEPTH}"));
    }
    parse_deep(text, depth)
}

fn is_depth_error(e: &serde_json::Error) -> bool {
    e.to_string().starts_with("recursion limit exceeded")
}

/// serde_json recurses once per level: a thread with room for `depth` levels does it.
fn parse_deep(text: &[u8], depth: usize) -> Result<Value, String> {
    std::thread::scope(|s| {
        let job = std::thread::Builder::new().stack_size((1 << 20) + depth * 16384).spawn_scoped(s, || {
            let mut de = serde_json::Deserializer::from_slice(text);
            de.disable_recursion_limit();
            let mut values = de.into_iter::<Value>();
            let v = values.next().ok_or("empty message line")?.map_err(|e| e.to_string())?;
            match values.next() {
                None => Ok(v),
                Some(_) => Err("trailing characters after the message".into()),
            }
        });
        match job {
            Ok(handle) => handle.join().unwrap_or_else(|_| Err("message could not be parsed".into())),
            Err(e) => Err(format!("no thread to parse a deep message: {e}")),
        }
    })
}

/// The deepest `[`/`{` nesting outside strings.
fn max_depth(text: &[u8]) -> usize {
    let (mut depth, mut max, mut in_str, mut esc) = (0usize, 0usize, false, false);
    for &b in text {
        if in_str {
            match (esc, b) {
                (true, _) => esc = false,
                (false, b'\\') => esc = true,
                (false, b'"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

fn hex4(text: &[u8], at: usize) -> Option<u16> {
    let digits = std::str::from_utf8(text.get(at..at + 4)?).ok()?;
    u16::from_str_radix(digits, 16).ok()
}

/// `\uD800`-style escapes not part of a surrogate pair become `\uFFFD`; `None` when
/// there are none.
fn replace_lone_surrogates(text: &[u8]) -> Option<Vec<u8>> {
    let mut out: Option<Vec<u8>> = None;
    let (mut i, mut in_str) = (0, false);
    while i < text.len() {
        let b = text[i];
        if !in_str || b != b'\\' {
            in_str ^= b == b'"';
            if let Some(o) = out.as_mut() {
                o.push(b);
            }
            i += 1;
            continue;
        }
        let mut len = 2;
        let mut lone = false;
        if text.get(i + 1) == Some(&b'u')
            && let Some(u) = hex4(text, i + 2)
        {
            len = 6;
            if (0xD800..0xDC00).contains(&u) {
                let low = (text.get(i + 6..i + 8) == Some(b"\\u")).then(|| hex4(text, i + 8)).flatten();
                if low.is_some_and(|l| (0xDC00..0xE000).contains(&l)) {
                    len = 12;
                } else {
                    lone = true;
                }
            } else if (0xDC00..0xE000).contains(&u) {
                lone = true;
            }
        }
        let end = (i + len).min(text.len());
        if lone {
            out.get_or_insert_with(|| text[..i].to_vec()).extend_from_slice(b"\\ufffd");
        } else if let Some(o) = out.as_mut() {
            o.extend_from_slice(&text[i..end]);
        }
        i = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        assert_eq!(parse(br#""\ud800""#), Ok(json!("\u{fffd}")));
        assert_eq!(parse(br#"{"a":"x\udc00y\ud83d\ude00"}"#), Ok(json!({"a": "x\u{fffd}y😀"})));
        assert_eq!(parse(br#"["\\ud800", "\ud800\n"]"#), Ok(json!(["\\ud800", "\u{fffd}\n"])));
        assert!(parse(br#""\ud800"#).is_err(), "still not JSON");
    }

    #[test]
    fn deep_nesting_up_to_the_limit() {
        let nest = |n: usize| format!("{}1{}", "[".repeat(n), "]".repeat(n));
        // Dropped on a thread with the loop's stack (8 MiB, as the main thread); the
        // conversion to script values is tested in value/json_deep.rs.
        let ok = std::thread::Builder::new()
            .stack_size(8 << 20)
            .spawn(move || parse(nest(MAX_DEPTH).as_bytes()).is_ok())
            .unwrap()
            .join()
            .unwrap();
        assert!(ok);
        let err = parse(nest(MAX_DEPTH + 1).as_bytes()).unwrap_err();
        assert!(err.contains("over the limit of 5000"), "{err}");
        assert!(parse(format!("{}1", "[".repeat(200)).as_bytes()).is_err());
        assert_eq!(parse(br#"{"a":[[{"b":"]]"}]]}"#).unwrap()["a"][0][0]["b"], json!("]]"));
    }
}
