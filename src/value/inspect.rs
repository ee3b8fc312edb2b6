//! Node's `util.inspect` look for `console.log`: `{ a: 1, b: 'x' }`, `[ 1, 2 ]`,
//! nested depth 2, long values broken over lines, errors shown by their stack.

use rhai::{Array, Blob, Dynamic, FnPtr, Map};

use super::js_number;

const BREAK_LENGTH: usize = 80;
const MAX_DEPTH: usize = 2;

/// How a custom type (Promise, Timeout…) shows itself; `None` for unknown types.
pub type Custom<'a> = &'a dyn Fn(&Dynamic) -> Option<String>;

/// One `console.log` argument: strings as they are, everything else inspected.
pub fn log_arg(v: &Dynamic, custom: Custom) -> String {
    if v.is_string() || v.is_char() { v.to_string() } else { inspect(v, custom) }
}

pub fn inspect(v: &Dynamic, custom: Custom) -> String {
    format_value(v, custom, 0, 0)
}

fn quote(s: &str) -> String {
    let q = if !s.contains('\'') {
        '\''
    } else if !s.contains('"') {
        '"'
    } else {
        '`'
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(q);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\\' => out.push_str("\\\\"),
            c if c == q => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\x{:02X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push(q);
    out
}

pub fn key(k: &str) -> String {
    let ident = k.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
        && k.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '$');
    if ident { k.to_string() } else { quote(k) }
}

fn format_value(v: &Dynamic, custom: Custom, depth: usize, indent: usize) -> String {
    if v.is_unit() {
        return "null".into();
    }
    if let Some(b) = v.clone().try_cast::<bool>() {
        return b.to_string();
    }
    if let Ok(i) = v.as_int() {
        return i.to_string();
    }
    if let Ok(f) = v.as_float() {
        return if f == 0.0 && f.is_sign_negative() { "-0".into() } else { js_number(f) };
    }
    if v.is_string() || v.is_char() {
        return quote(&v.to_string());
    }
    if let Some(f) = v.clone().try_cast::<FnPtr>() {
        return if f.is_anonymous() { "[Function (anonymous)]".into() } else { format!("[Function: {}]", f.fn_name()) };
    }
    if v.is_blob() {
        let b = v.read_lock::<Blob>().expect("blob");
        let hex: Vec<String> = b.iter().take(50).map(|x| format!("{x:02x}")).collect();
        let more = if b.len() > 50 { format!(" ... {} more bytes", b.len() - 50) } else { String::new() };
        return format!("<Buffer{}{}{more}>", if hex.is_empty() { "" } else { " " }, hex.join(" "));
    }
    if v.is_array() {
        let a = v.read_lock::<Array>().expect("array");
        if a.is_empty() {
            return "[]".into();
        }
        if depth > MAX_DEPTH {
            return "[Array]".into();
        }
        let items: Vec<String> = a.iter().map(|x| format_value(x, custom, depth + 1, indent + 2)).collect();
        return wrap("[", "]", items, indent);
    }
    if v.is_map() {
        let m = v.read_lock::<Map>().expect("map");
        if let (Some(stack), Some(_)) = (m.get("stack"), m.get("message"))
            && stack.is_string()
        {
            let extra: Vec<String> = m
                .iter()
                .filter(|(k, _)| !matches!(k.as_str(), "stack" | "message" | "name" | "line" | "position"))
                .map(|(k, x)| format!("{}: {}", key(k), format_value(x, custom, depth + 1, indent + 2)))
                .collect();
            let stack = stack.to_string();
            return if extra.is_empty() { stack } else { format!("{stack} {}", wrap("{", "}", extra, indent)) };
        }
        if m.is_empty() {
            return "{}".into();
        }
        if depth > MAX_DEPTH {
            return "[Object]".into();
        }
        let items: Vec<String> =
            m.iter().map(|(k, x)| format!("{}: {}", key(k), format_value(x, custom, depth + 1, indent + 2))).collect();
        return wrap("{", "}", items, indent);
    }
    if let Some(s) = custom(v) {
        return s;
    }
    v.to_string()
}

/// Node's `reduceToSingleString`: one line when it fits in the break length.
fn wrap(open: &str, close: &str, items: Vec<String>, indent: usize) -> String {
    let total: usize = items.iter().map(|s| s.len()).sum::<usize>() + items.len();
    let multiline = items.iter().any(|s| s.contains('\n'));
    if !multiline && total + open.len() + indent <= BREAK_LENGTH {
        return format!("{open} {} {close}", items.join(", "));
    }
    let pad = " ".repeat(indent + 2);
    format!("{open}\n{pad}{}\n{}{close}", items.join(&format!(",\n{pad}")), " ".repeat(indent))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::json::parse;

    fn show(json: &str) -> String {
        inspect(&parse(json).unwrap(), &|_| None)
    }

    #[test]
    fn objects_and_arrays_like_node() {
        assert_eq!(show(r#"{"a":1,"b":"x"}"#), "{ a: 1, b: 'x' }");
        assert_eq!(show("[1,2,3]"), "[ 1, 2, 3 ]");
        assert_eq!(show(r#"{"a-b":[],"c":{}}"#), "{ 'a-b': [], c: {} }");
        assert_eq!(show(r#"{"a":{"b":{"c":{"d":1}}}}"#), "{ a: { b: { c: [Object] } } }");
        assert_eq!(show(r#""it's""#), "\"it's\"");
    }

    #[test]
    fn long_values_break() {
        let long = format!(r#"{{"a":"{}","b":"{}"}}"#, "x".repeat(40), "y".repeat(40));
        assert_eq!(show(&long), format!("{{\n  a: '{}',\n  b: '{}'\n}}", "x".repeat(40), "y".repeat(40)));
    }
}
