//! The messages of Node's `AssertionError` (Node 20's `assertion_error.js`):
//! `1 !== 2` for short values, a `+ actual - expected` line diff of the expanded
//! inspection (`compact: false`) for the rest, with the mismatch indicator on single
//! lines. Kept apart from the bindings so the exact text can be unit-tested.

use rhai::{Array, Dynamic, Map};

use super::inspect::{self, Custom};

const MAX_SHORT_LENGTH: usize = 12;
const MAX_LINE: usize = 80;

/// Node's `inspectValue`: every property and item on its own line.
pub fn expanded(v: &Dynamic, custom: Custom, prefix: &str) -> String {
    let mut out = String::from(prefix);
    write_expanded(v, custom, 0, &mut out);
    out
}

fn write_expanded(v: &Dynamic, custom: Custom, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent + 2);
    if let Some(a) = v.read_lock::<Array>() {
        if a.is_empty() {
            out.push_str("[]");
            return;
        }
        out.push('[');
        for (i, x) in a.iter().enumerate() {
            out.push('\n');
            out.push_str(&pad);
            write_expanded(x, custom, indent + 2, out);
            if i + 1 < a.len() {
                out.push(',');
            }
        }
        out.push('\n');
        out.push_str(&" ".repeat(indent));
        out.push(']');
        return;
    }
    if let Some(m) = v.read_lock::<Map>()
        && !(m.contains_key("stack") && m.contains_key("message"))
    {
        if m.is_empty() {
            out.push_str("{}");
            return;
        }
        // Node sorts the formatted entries (`sorted: true`), so quoted keys come first.
        let mut entries: Vec<String> = m
            .iter()
            .map(|(k, x)| {
                let mut e = format!("{}: ", inspect::key(k));
                write_expanded(x, custom, indent + 2, &mut e);
                e
            })
            .collect();
        entries.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
        out.push('{');
        for (i, e) in entries.iter().enumerate() {
            out.push('\n');
            out.push_str(&pad);
            out.push_str(e);
            if i + 1 < entries.len() {
                out.push(',');
            }
        }
        out.push('\n');
        out.push_str(&" ".repeat(indent));
        out.push('}');
        return;
    }
    out.push_str(&inspect::inspect(v, custom));
}

fn is_object(v: &Dynamic) -> bool {
    v.is_map() || v.is_array() || v.is_blob()
}

fn is_zero(v: &Dynamic) -> bool {
    v.as_int().is_ok_and(|i| i == 0) || v.as_float().is_ok_and(|f| f == 0.0)
}

/// Node's `kReadableOperator`.
pub fn readable(op: &str) -> &'static str {
    match op {
        "deepStrictEqual" => "Expected values to be strictly deep-equal:",
        "strictEqual" => "Expected values to be strictly equal:",
        "strictEqualObject" => "Expected \"actual\" to be reference-equal to \"expected\":",
        "deepEqual" => "Expected values to be loosely deep-equal:",
        "notDeepStrictEqual" => "Expected \"actual\" not to be strictly deep-equal to:",
        "notStrictEqual" => "Expected \"actual\" to be strictly unequal to:",
        "notStrictEqualObject" => "Expected \"actual\" not to be reference-equal to \"expected\":",
        "notDeepEqual" => "Expected \"actual\" not to be loosely deep-equal to:",
        "notIdentical" => "Values have same structure but are not reference-equal:",
        _ => "",
    }
}

/// Node 20's `createErrDiff` for `strictEqual` / `deepStrictEqual`.
pub fn err_diff(actual: (&Dynamic, &str), expected: (&Dynamic, &str), op: &str) -> String {
    let (a_val, e_val) = (actual.0, expected.0);
    let mut a_lines: Vec<&str> = actual.1.split('\n').collect();
    let mut e_lines: Vec<&str> = expected.1.split('\n').collect();
    let (mut other, mut res, mut end) = (String::new(), String::new(), String::new());
    let mut skipped = false;
    let mut i = 0usize;
    let mut indicator = String::new();
    let op = if op == "strictEqual" && is_object(a_val) && is_object(e_val) { "strictEqualObject" } else { op };

    if a_lines.len() == 1 && e_lines.len() == 1 && a_lines[0] != e_lines[0] {
        let (ar, er): (Vec<char>, Vec<char>) = (a_lines[0].chars().collect(), e_lines[0].chars().collect());
        let input_length = ar.len() + er.len();
        if input_length <= MAX_SHORT_LENGTH {
            if !is_object(a_val) && !is_object(e_val) && (!is_zero(a_val) || !is_zero(e_val)) {
                return format!("{}\n\n{} !== {}\n", readable(op), a_lines[0], e_lines[0]);
            }
        } else if op != "strictEqualObject" && input_length < MAX_LINE {
            while i < ar.len() && i < er.len() && ar[i] == er[i] {
                i += 1;
            }
            if i > 2 {
                indicator = format!("\n  {}^", " ".repeat(i));
                i = 0;
            }
        }
    }

    // Identical trailing lines: keep up to three as context.
    while let (Some(a), Some(b)) = (a_lines.last(), e_lines.last()) {
        if a != b {
            break;
        }
        if i < 3 {
            end = format!("\n  {a}{end}");
        } else {
            other = a.to_string();
        }
        i += 1;
        a_lines.pop();
        e_lines.pop();
        if a_lines.is_empty() || e_lines.is_empty() {
            break;
        }
    }

    let max_lines = a_lines.len().max(e_lines.len());
    if max_lines == 0 {
        let mut lines: Vec<&str> = actual.1.split('\n').collect();
        if lines.len() > 50 {
            lines.truncate(47);
            lines[46] = "...";
        }
        return format!("{}\n\n{}\n", readable("notIdentical"), lines.join("\n"));
    }
    if i >= 5 {
        end = format!("\n...{end}");
        skipped = true;
    }
    if !other.is_empty() {
        end = format!("\n  {other}{end}");
        other.clear();
    }

    let mut printed = 0usize;
    let mut identical = 0usize;
    let msg = format!("{}\n+ actual - expected", readable(op));
    let skipped_msg = " ... Lines skipped";
    let (lines, plus_minus, max_length, actual_is_longer) = if a_lines.len() < max_lines {
        (&e_lines, '-', a_lines.len(), false)
    } else {
        (&a_lines, '+', e_lines.len(), true)
    };

    let flush_identical = |res: &mut String, src: &[&str], i: usize, identical: usize, printed: &mut usize| -> bool {
        let mut skipped = false;
        if identical > 2 {
            if identical > 3 {
                if identical > 4 {
                    if identical == 5 {
                        res.push_str(&format!("\n  {}", src[i - 3]));
                        *printed += 1;
                    } else {
                        res.push_str("\n...");
                        skipped = true;
                    }
                }
                res.push_str(&format!("\n  {}", src[i - 2]));
                *printed += 1;
            }
            res.push_str(&format!("\n  {}", src[i - 1]));
            *printed += 1;
        }
        skipped
    };

    for i in 0..max_lines {
        if max_length < i + 1 {
            skipped |= flush_identical(&mut res, lines, i, identical, &mut printed);
            identical = 0;
            if actual_is_longer {
                res.push_str(&format!("\n{plus_minus} {}", lines[i]));
            } else {
                other.push_str(&format!("\n{plus_minus} {}", lines[i]));
            }
            printed += 1;
        } else {
            let expected_line = e_lines[i];
            let mut actual_line = a_lines[i].to_string();
            let mut diverging = actual_line != expected_line && actual_line.strip_suffix(',') != Some(expected_line);
            if diverging && expected_line.strip_suffix(',') == Some(actual_line.as_str()) {
                diverging = false;
                actual_line.push(',');
            }
            if diverging {
                skipped |= flush_identical(&mut res, &a_lines, i, identical, &mut printed);
                identical = 0;
                res.push_str(&format!("\n+ {actual_line}"));
                other.push_str(&format!("\n- {expected_line}"));
                printed += 2;
            } else {
                res.push_str(&other);
                other.clear();
                identical += 1;
                if identical <= 2 {
                    res.push_str(&format!("\n  {actual_line}"));
                    printed += 1;
                }
            }
        }
        if printed > 50 && i + 2 < max_lines {
            return format!("{msg}{skipped_msg}\n{res}\n...{other}\n...");
        }
    }
    format!("{msg}{}\n{res}{other}{end}{indicator}", if skipped { skipped_msg } else { "" })
}

/// `notStrictEqual` / `notDeepStrictEqual`: the one value, after the operator text.
pub fn not_equal_message(actual: &Dynamic, inspected: &str, op: &str) -> String {
    let op = if op == "notStrictEqual" && is_object(actual) { "notStrictEqualObject" } else { op };
    let base = readable(op);
    let mut lines: Vec<&str> = inspected.split('\n').collect();
    if lines.len() > 50 {
        lines.truncate(47);
        lines[46] = "...";
    }
    if lines.len() == 1 {
        let sep = if lines[0].chars().count() > 5 { "\n\n" } else { " " };
        format!("{base}{sep}{}", lines[0])
    } else {
        format!("{base}\n\n{}\n", lines.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::json::parse;

    fn diff(a: &str, b: &str, op: &str) -> String {
        let (a, b) = (parse(a).unwrap(), parse(b).unwrap());
        let none = &|_: &Dynamic| None;
        err_diff((&a, &expanded(&a, none, "")), (&b, &expanded(&b, none, "")), op)
    }

    #[test]
    fn node_twenty_messages() {
        assert_eq!(diff("1", "2", "strictEqual"), "Expected values to be strictly equal:\n\n1 !== 2\n");
        assert_eq!(
            diff(r#""hello world""#, r#""hello there""#, "strictEqual"),
            "Expected values to be strictly equal:\n+ actual - expected\n\n+ 'hello world'\n- 'hello there'\n         ^"
        );
        assert_eq!(
            diff(r#"{"a":1}"#, r#"{"a":2}"#, "deepStrictEqual"),
            "Expected values to be strictly deep-equal:\n+ actual - expected\n\n  {\n+   a: 1\n-   a: 2\n  }"
        );
        assert_eq!(
            diff("[1,2]", "[1,3]", "deepStrictEqual"),
            "Expected values to be strictly deep-equal:\n+ actual - expected\n\n  [\n    1,\n+   2\n-   3\n  ]"
        );
    }
}
