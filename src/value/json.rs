//! `JSON.stringify` and `JSON.parse` over Rhai values.
//!
//! `()` is JSON `null` both ways; functions are left out of objects and become `null`
//! in arrays, as JavaScript does; a BLOB serializes like a Node Buffer. Rhai maps keep
//! their keys sorted, so object keys come out in sorted order (see README).

use rhai::{Array, Blob, Dynamic, FnPtr, Map};
use serde_json::Value;

use super::js_number;

/// Serializes `v`; `indent` is the `space` argument ("" for compact output).
/// Returns `None` where JavaScript returns `undefined` (a bare function).
pub fn stringify(v: &Dynamic, indent: &str) -> Option<String> {
    let mut out = String::new();
    write_value(&mut out, v, indent, 0).then_some(out)
}

fn write_value(out: &mut String, v: &Dynamic, indent: &str, level: usize) -> bool {
    if v.is_unit() {
        out.push_str("null");
    } else if let Some(b) = v.clone().try_cast::<bool>() {
        out.push_str(if b { "true" } else { "false" });
    } else if let Ok(i) = v.as_int() {
        out.push_str(&i.to_string());
    } else if let Ok(f) = v.as_float() {
        out.push_str(&if f.is_finite() { js_number(f) } else { "null".into() });
    } else if v.is_string() || v.is_char() {
        out.push_str(&serde_json::to_string(&v.to_string()).expect("strings serialize"));
    } else if v.is_array() {
        let a = v.read_lock::<Array>().expect("array");
        write_seq(out, a.iter(), indent, level, '[', ']', |out, item, lvl| {
            if !write_value(out, item, indent, lvl) {
                out.push_str("null");
            }
        });
    } else if v.is_map() {
        let m = v.read_lock::<Map>().expect("map");
        let fields: Vec<_> = m.iter().filter(|(_, x)| !x.is::<FnPtr>()).collect();
        write_seq(out, fields.into_iter(), indent, level, '{', '}', |out, (k, x), lvl| {
            out.push_str(&serde_json::to_string(k.as_str()).expect("keys serialize"));
            out.push(':');
            if !indent.is_empty() {
                out.push(' ');
            }
            write_value(out, x, indent, lvl);
        });
    } else if v.is_blob() {
        let b = v.read_lock::<Blob>().expect("blob");
        let data: Vec<String> = b.iter().map(|x| x.to_string()).collect();
        out.push_str(&format!("{{\"type\":\"Buffer\",\"data\":[{}]}}", data.join(",")));
    } else if v.is::<FnPtr>() {
        return false;
    } else {
        out.push_str("{}");
    }
    true
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

/// Parses JSON text; the error message follows V8's wording.
pub fn parse(text: &str) -> Result<Dynamic, String> {
    match serde_json::from_str::<Value>(text) {
        Ok(v) => Ok(from_value(v)),
        Err(e) if e.is_eof() => Err("Unexpected end of JSON input".into()),
        Err(e) => {
            let offset = offset_of(text, e.line(), e.column());
            let token = text[offset.min(text.len())..].chars().next().unwrap_or(' ');
            Err(format!("Unexpected token '{token}', \"{}\" is not valid JSON", excerpt(text)))
        }
    }
}

fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    start + column.saturating_sub(1)
}

fn excerpt(text: &str) -> String {
    if text.chars().count() <= 10 {
        text.to_string()
    } else {
        format!("{}...", text.chars().take(10).collect::<String>())
    }
}

/// Without recursion (see `json_deep`): channel messages may nest thousands deep.
pub fn from_value(v: Value) -> Dynamic {
    super::json_deep::from_value(v)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(parse("{").unwrap_err(), "Unexpected end of JSON input");
        assert!(parse("{x}").unwrap_err().starts_with("Unexpected token 'x'"));
    }
}
