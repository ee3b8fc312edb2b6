//! JavaScript's string methods over Rust strings, with positions counted in
//! characters (Unicode scalar values), as Rhai's own `len` and `s[i]` count them.
//!
//! JS counts UTF-16 code units; the two agree on every character of the Basic
//! Multilingual Plane, so they differ only for characters above U+FFFF (emoji), which
//! count 1 here and 2 in JS. ASCII strings take byte-offset fast paths throughout.

/// Number of characters.
pub fn len(s: &str) -> usize {
    if s.is_ascii() { s.len() } else { s.chars().count() }
}

/// Byte offset of character position `pos` (clamped to the end).
pub fn byte_at(s: &str, pos: usize) -> usize {
    if s.is_ascii() {
        return pos.min(s.len());
    }
    s.char_indices().nth(pos).map_or(s.len(), |(b, _)| b)
}

/// Character position of byte offset `b` (a char boundary).
// Slices by byte index are safe here: callers pass a char boundary (from byte_at, find or match_indices).
#[allow(clippy::string_slice)]
pub fn pos_of(s: &str, b: usize) -> usize {
    if s.is_ascii() { b } else { s[..b].chars().count() }
}

/// JS's relative index (`slice`, `at`): negative counts from the end; clamped to 0..=len.
pub fn relative(i: i64, len: usize) -> usize {
    if i < 0 { (len as i64 + i).max(0) as usize } else { (i as usize).min(len) }
}

/// The characters from position `start` to `end` (positions, `start <= end <= len`).
// Slices by byte index are safe here: ASCII: every byte is a boundary; else `byte_at` returns char boundaries.
#[allow(clippy::string_slice)]
pub fn sub(s: &str, start: usize, end: usize) -> &str {
    if s.is_ascii() {
        return &s[start..end];
    }
    let a = byte_at(s, start);
    let b = a + byte_at(&s[a..], end - start);
    &s[a..b]
}

/// `s.slice(start, end)`.
pub fn slice(s: &str, start: i64, end: Option<i64>) -> &str {
    let n = len(s);
    let a = relative(start, n);
    let b = end.map_or(n, |e| relative(e, n));
    if a >= b { "" } else { sub(s, a, b) }
}

/// `s.substring(start, end)`: negatives are 0, the two are swapped when reversed.
pub fn substring(s: &str, start: i64, end: Option<i64>) -> &str {
    let n = len(s);
    let clamp = |i: i64| (i.max(0) as usize).min(n);
    let (a, b) = (clamp(start), end.map_or(n, clamp));
    sub(s, a.min(b), a.max(b))
}

/// `s.indexOf(needle, from)`: the position of the first match at or after `from`, or -1.
// Slices by byte index are safe here: `byte_at` returns a char boundary.
#[allow(clippy::string_slice)]
pub fn index_of(s: &str, needle: &str, from: i64) -> i64 {
    let start = byte_at(s, from.max(0) as usize);
    s[start..].find(needle).map_or(-1, |b| pos_of(s, start + b) as i64)
}

/// `s.lastIndexOf(needle, from)`: the last match starting at or before `from`.
// Slices by byte index are safe here: `end` is moved forward to a char boundary just above.
#[allow(clippy::string_slice)]
pub fn last_index_of(s: &str, needle: &str, from: Option<i64>) -> i64 {
    let limit = from.map_or(s.len(), |f| byte_at(s, f.max(0) as usize));
    // A match may start at `limit` and run past it.
    let end = (limit + needle.len()).min(s.len());
    let end = (end..=s.len()).find(|&e| s.is_char_boundary(e)).unwrap_or(s.len());
    s[..end].rmatch_indices(needle).find(|(b, _)| *b <= limit).map_or(-1, |(b, _)| pos_of(s, b) as i64)
}

/// `s.split(sep, limit)`; an empty separator splits into characters.
// Slices by byte index are safe here: `b` and `b + len_utf8` come from char_indices: boundaries.
#[allow(clippy::string_slice)]
pub fn split<'a>(s: &'a str, sep: &str, limit: Option<usize>) -> Vec<&'a str> {
    let limit = limit.unwrap_or(usize::MAX);
    if sep.is_empty() {
        return s.char_indices().take(limit).map(|(b, c)| &s[b..b + c.len_utf8()]).collect();
    }
    s.split(sep).take(limit).collect()
}

fn js_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

pub fn trim(s: &str) -> &str {
    s.trim_matches(js_space)
}

pub fn trim_start(s: &str) -> &str {
    s.trim_start_matches(js_space)
}

pub fn trim_end(s: &str) -> &str {
    s.trim_end_matches(js_space)
}

/// `padStart`/`padEnd`: `fill` repeated (the last copy cut) up to `target` characters.
pub fn pad(s: &str, target: i64, fill: &str, at_start: bool) -> String {
    let n = len(s);
    if target <= n as i64 || fill.is_empty() {
        return s.to_string();
    }
    let padding: String = fill.chars().cycle().take(target as usize - n).collect();
    if at_start { padding + s } else { s.to_string() + padding.as_str() }
}

/// Expands JS's `$$`, `$&`, `` $` `` and `$'` in a replacement for the match at byte
/// `at` of `s`.
// Slices by byte index are safe here: `at` is a match position (from `matches`/match_indices) and `at + matched.len()` its end.
#[allow(clippy::string_slice)]
pub fn expand(replacement: &str, s: &str, at: usize, matched: &str) -> String {
    if !replacement.contains('$') {
        return replacement.to_string();
    }
    let mut out = String::with_capacity(replacement.len());
    let mut chars = replacement.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            Some('$') => out.push('$'),
            Some('&') => out.push_str(matched),
            Some('`') => out.push_str(&s[..at]),
            Some('\'') => out.push_str(&s[at + matched.len()..]),
            _ => {
                out.push('$');
                continue;
            }
        }
        chars.next();
    }
    out
}

/// Byte offsets of the matches of `pat` in `s` (all, or only the first); an empty
/// pattern matches before every character and at the end, as in JS.
pub fn matches(s: &str, pat: &str, all: bool) -> Vec<usize> {
    let mut found: Vec<usize> = if pat.is_empty() {
        s.char_indices().map(|(b, _)| b).chain(std::iter::once(s.len())).collect()
    } else {
        s.match_indices(pat).map(|(b, _)| b).collect()
    };
    if !all {
        found.truncate(1);
    }
    found
}

/// `replace`/`replaceAll` with a string replacement (its `$` patterns expanded);
/// `None` when nothing matched (so the caller can keep the string it has).
// Slices by byte index are safe here: `at` and `last` are match starts and ends from match_indices/char_indices.
#[allow(clippy::string_slice)]
pub fn replace(s: &str, pat: &str, replacement: &str, all: bool) -> Option<String> {
    let dollar = replacement.contains('$');
    let mut out = String::with_capacity(s.len() + replacement.len());
    let mut last = 0;
    let mut found = false;
    let mut put = |out: &mut String, at: usize| {
        found = true;
        out.push_str(&s[last..at]);
        if dollar {
            out.push_str(&expand(replacement, s, at, pat));
        } else {
            out.push_str(replacement);
        }
        last = at + pat.len();
    };
    if pat.is_empty() {
        for at in matches(s, pat, all) {
            put(&mut out, at);
        }
    } else {
        // No list of matches to allocate: the common case is one short string.
        for (at, _) in s.match_indices(pat) {
            put(&mut out, at);
            if !all {
                break;
            }
        }
    }
    if !found {
        return None;
    }
    out.push_str(&s[last..]);
    Some(out)
}

/// ICU's root collation order for ASCII (what `localeCompare` gives in Node):
/// spaces, punctuation and symbols in ICU's order, digits, then letters regardless
/// of case. Other characters follow, by code point.
const ICU_ASCII: &str = "\t\n\u{b}\u{c}\r _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789abcdefghijklmnopqrstuvwxyz";

fn primary(c: char) -> u32 {
    let l = c.to_ascii_lowercase();
    match ICU_ASCII.find(l) {
        Some(i) if c.is_ascii() => i as u32,
        _ => 0x100 + c.to_lowercase().next().unwrap_or(c) as u32,
    }
}

/// `a.localeCompare(b)`: -1, 0 or 1. Letters compare case-insensitively first; on a
/// tie the first case difference decides, lower case first (ICU's tertiary level).
pub fn locale_compare(a: &str, b: &str) -> i64 {
    let ord = a.chars().map(primary).cmp(b.chars().map(primary)).then_with(|| {
        let tertiary = |c: char| (c.is_uppercase(), c);
        a.chars().map(tertiary).cmp(b.chars().map(tertiary))
    });
    ord as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_characters() {
        let s = "héllo wörld";
        assert_eq!(len(s), 11);
        assert_eq!(slice(s, 1, Some(-6)), "éllo");
        assert_eq!(substring(s, 8, Some(2)), "llo wö");
        assert_eq!(index_of(s, "wö", 0), 6);
        assert_eq!(last_index_of(s, "l", None), 9);
        assert_eq!(last_index_of(s, "l", Some(3)), 3);
        assert_eq!(index_of(s, "", 99), 11);
        assert_eq!(last_index_of("aé", "é", Some(0)), -1);
        assert_eq!(last_index_of("aéé", "é", Some(1)), 1);
    }

    #[test]
    fn split_pad_replace_like_js() {
        assert_eq!(split("a,b,,c", ",", Some(3)), ["a", "b", ""]);
        assert_eq!(split("abc", "", None), ["a", "b", "c"]);
        assert_eq!(split("", ",", None), [""]);
        assert_eq!(pad("5", 3, "0", true), "005");
        assert_eq!(pad("ab", 7, "xyz", false), "abxyzxy");
        let r = |s, p, t, all| replace(s, p, t, all).unwrap_or_else(|| s.to_string());
        assert_eq!(r("a-b-c", "-", "+", false), "a+b-c");
        assert_eq!(r("a-b-c", "-", "[$&$$]", true), "a[-$]b[-$]c");
        assert_eq!(r("abc", "", "-", true), "-a-b-c-");
        assert_eq!(r("abc", "b", "$`$'", false), "aacc");
        assert_eq!(replace("abc", "x", "y", true), None);
        assert_eq!(r("-", "-", "", true), "");
    }

    #[test]
    fn locale_compare_like_icu() {
        assert_eq!(locale_compare("a", "B"), -1);
        assert_eq!(locale_compare("a", "A"), -1);
        assert_eq!(locale_compare("b", "a"), 1);
        assert_eq!(locale_compare("a1", "a"), 1);
        assert_eq!(locale_compare("_x", "1"), -1);
        assert_eq!(locale_compare("same", "same"), 0);
    }
}
