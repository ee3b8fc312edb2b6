//! Node's `util.inspect` look for `console.log`: `{ a: 1, b: 'x' }`, `[ 1, 2 ]`,
//! nested depth 2, errors shown by their stack; the layout (one line, one entry per
//! line, or columns for long arrays) is `inspect_layout`.

use std::cell::Cell;

use rhai::{Array, Blob, Dynamic, FnPtr, Map};

use super::inspect_layout::{ArrayInfo, Layout};
use super::js_number;

const MAX_DEPTH: usize = 2;

/// `util.inspect` options procbox honours: `depth` (`None`: no limit) and
/// `showHidden` (an array's `[length]`, as `%o` shows it).
#[derive(Clone, Copy)]
pub struct Options {
    pub depth: Option<usize>,
    pub show_hidden: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { depth: Some(MAX_DEPTH), show_hidden: false }
    }
}

/// How a custom type (Promise, Timeout…) shows itself; `None` for unknown types.
pub type Custom<'a> = &'a dyn Fn(&Dynamic) -> Option<String>;

/// One `console.log` argument: strings as they are, everything else inspected.
pub fn log_arg(v: &Dynamic, custom: Custom) -> String {
    if v.is_string() || v.is_char() { v.to_string() } else { inspect(v, custom) }
}

pub fn inspect(v: &Dynamic, custom: Custom) -> String {
    inspect_with(v, custom, &Options::default())
}

/// `util.inspect(v, options)`.
pub fn inspect_with(v: &Dynamic, custom: Custom, o: &Options) -> String {
    format_value(v, &Cx { custom, o: *o, current: Cell::new(0) }, 0, 0)
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

/// What one inspection carries down the tree: the custom printer, the options, and
/// the depth of the last object formatted (Node's `ctx.currentDepth`).
struct Cx<'a> {
    custom: Custom<'a>,
    o: Options,
    current: Cell<usize>,
}

/// Node's `maxArrayLength`.
const MAX_ARRAY_LENGTH: usize = 100;

fn format_value(v: &Dynamic, cx: &Cx, depth: usize, indent: usize) -> String {
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
        let b = v.read_lock::<Blob>().expect("is_blob() above; Rhai flattens shared values put in containers and reports a data race before passing a locked one");
        let hex: Vec<String> = b.iter().take(50).map(|x| format!("{x:02x}")).collect();
        let more = if b.len() > 50 { format!(" ... {} more bytes", b.len() - 50) } else { String::new() };
        return format!("<Buffer{}{}{more}>", if hex.is_empty() { "" } else { " " }, hex.join(" "));
    }
    let too_deep = cx.o.depth.is_some_and(|max| depth > max);
    if v.is_array() {
        let a = v.read_lock::<Array>().expect("is_array() above; Rhai flattens shared values put in containers and reports a data race before passing a locked one");
        if a.is_empty() && !cx.o.show_hidden {
            return "[]".into();
        }
        if too_deep {
            return "[Array]".into();
        }
        cx.current.set(depth);
        let mut items: Vec<String> =
            a.iter().take(MAX_ARRAY_LENGTH).map(|x| format_value(x, cx, depth + 1, indent + 2)).collect();
        let has_more = a.len() > MAX_ARRAY_LENGTH;
        if has_more {
            let n = a.len() - MAX_ARRAY_LENGTH;
            items.push(format!("... {n} more item{}", if n == 1 { "" } else { "s" }));
        }
        if cx.o.show_hidden {
            items.push(format!("[length]: {}", a.len()));
        }
        // Node checks `value[i]` for every entry shown, so a `[length]` entry (past
        // the end) turns right-alignment off.
        let numbers = items.len() <= a.len() && a.iter().take(items.len()).all(|x| x.is_int() || x.is_float());
        let info = ArrayInfo { numbers, has_more };
        return layout(cx, "", "[", "]", indent, depth, Some(info)).reduce(items);
    }
    if v.is_map() {
        let m = v.read_lock::<Map>().expect("is_map() above; Rhai flattens shared values put in containers and reports a data race before passing a locked one");
        if let (Some(stack), Some(_)) = (m.get("stack"), m.get("message"))
            && stack.is_string()
        {
            let stack = stack.to_string();
            let extra: Vec<(&str, &Dynamic)> = m
                .iter()
                .filter(|(k, _)| !matches!(k.as_str(), "stack" | "message" | "name" | "line" | "position"))
                .map(|(k, x)| (k.as_str(), x))
                .collect();
            if extra.is_empty() {
                return stack;
            }
            if too_deep {
                return format!("[{stack}]");
            }
            cx.current.set(depth);
            let items = extra
                .iter()
                .map(|(k, x)| format!("{}: {}", key(k), format_value(x, cx, depth + 1, indent + 2)))
                .collect();
            return layout(cx, &stack, "{", "}", indent, depth, None).reduce(items);
        }
        if m.is_empty() {
            return "{}".into();
        }
        if too_deep {
            return "[Object]".into();
        }
        cx.current.set(depth);
        let items: Vec<String> =
            m.iter().map(|(k, x)| format!("{}: {}", key(k), format_value(x, cx, depth + 1, indent + 2))).collect();
        return layout(cx, "", "{", "}", indent, depth, None).reduce(items);
    }
    if let Some(s) = (cx.custom)(v) {
        return s;
    }
    v.to_string()
}

fn layout<'a>(
    cx: &Cx,
    base: &'a str,
    open: &'a str,
    close: &'a str,
    indent: usize,
    depth: usize,
    array: Option<ArrayInfo>,
) -> Layout<'a> {
    Layout { base, open, close, indent, nested: cx.current.get().saturating_sub(depth), array }
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
    fn node_layout_rules() {
        // More than three nested levels never share one line (compact: 3).
        let o = Options { depth: None, show_hidden: false };
        let deep = parse(r#"{"a":{"b":{"c":{"d":1}}}}"#).unwrap();
        assert_eq!(inspect_with(&deep, &|_| None, &o), "{\n  a: { b: { c: { d: 1 } } }\n}");
        // Long arrays are grouped in columns, numbers aligned right.
        let nums =
            parse(&format!("[{}]", (1..=30).map(|i| (i * 7).to_string()).collect::<Vec<_>>().join(","))).unwrap();
        assert_eq!(
            inspect(&nums, &|_| None),
            "[\n    7,  14,  21,  28,  35,  42,  49,  56,\n   63,  70,  77,  84,  91,  98, 105, 112,\n  119, 126, 133, 140, 147, 154, 161, 168,\n  175, 182, 189, 196, 203, 210\n]"
        );
        assert_eq!(show("[1,2,3,4,5,6,7]"), "[\n  1, 2, 3, 4,\n  5, 6, 7\n]");
        let many = parse(&format!("[{}]", vec!["0"; 101].join(","))).unwrap();
        assert!(inspect(&many, &|_| None).ends_with("... 1 more item\n]"));
    }

    #[test]
    fn long_values_break() {
        let long = format!(r#"{{"a":"{}","b":"{}"}}"#, "x".repeat(40), "y".repeat(40));
        assert_eq!(show(&long), format!("{{\n  a: '{}',\n  b: '{}'\n}}", "x".repeat(40), "y".repeat(40)));
    }
}
