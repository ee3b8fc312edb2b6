//! String methods by their JS names; each returns a new value and never changes the
//! receiver (so `let t = out.trim();` is the trimmed text, as in Node).
//!
//! ```rhai
//! let s = "  Hello, World  ".trim();         // "Hello, World"
//! s.length;                                  // 12
//! s.toUpperCase().split(", ");               // ["HELLO", "WORLD"]
//! s.slice(-5).padStart(8, "*");              // "***World"
//! s.replace("World", "procbox");             // "Hello, procbox"
//! ```
//!
//! Positions are characters (see `value::text`). Index arguments take integers, or
//! any number (truncated, as JS does): each is registered twice, `INT` for speed and
//! `Dynamic` for the rest. A search string may also be a char (`'a'`).

use rhai::{Array, Dynamic, Engine, EvalAltResult, FnPtr, INT, ImmutableString, NativeCallContext};

use super::call::Callback;
use super::{getter, to_index};
use crate::value::{error, text};

type Res<T> = Result<T, Box<EvalAltResult>>;
type Str = ImmutableString;

fn range_error(msg: &str) -> Box<EvalAltResult> {
    error::throw(error::error("RangeError", msg, None))
}

/// V8's longest string (counted in characters here): Node throws "Invalid string
/// length" beyond it, where building the string would abort procbox (a capacity
/// overflow panic or an allocation failure).
const MAX_LENGTH: usize = (1 << 29) - 24;

/// `padStart`/`padEnd`, refusing a result longer than [`MAX_LENGTH`].
fn pad(s: &str, n: INT, fill: &str, at_start: bool) -> Res<String> {
    if n > MAX_LENGTH as INT && !fill.is_empty() && n > text::len(s) as INT {
        return Err(range_error("Invalid string length"));
    }
    Ok(text::pad(s, n, fill, at_start))
}

fn upper(s: Str) -> Str {
    if s.is_ascii() && !s.bytes().any(|b| b.is_ascii_lowercase()) { s } else { s.to_uppercase().into() }
}

fn lower(s: Str) -> Str {
    if s.is_ascii() && !s.bytes().any(|b| b.is_ascii_uppercase()) { s } else { s.to_lowercase().into() }
}

/// The receiver itself when `part` is all of it (no new allocation), else a copy.
pub fn keep(s: &Str, part: &str) -> Str {
    if part.len() == s.len() { s.clone() } else { part.into() }
}

// Slices by byte index are safe here: `byte_at` returns a char boundary.
#[allow(clippy::string_slice)]
fn starts_with(s: &str, sub: &str, pos: INT) -> bool {
    s[text::byte_at(s, pos.max(0) as usize)..].starts_with(sub)
}

// Slices by byte index are safe here: `byte_at` returns a char boundary.
#[allow(clippy::string_slice)]
fn ends_with(s: &str, sub: &str, end: INT) -> bool {
    s[..text::byte_at(s, end.max(0) as usize)].ends_with(sub)
}

fn split(s: &str, sep: &str, limit: Option<INT>) -> Array {
    // JS's limit is a uint32: a negative one wraps to "no limit".
    let limit = limit.map(|l| if l < 0 { usize::MAX } else { l as usize });
    text::split(s, sep, limit).into_iter().map(|p| -> Dynamic { p.into() }).collect()
}

fn at(s: &str, i: INT) -> Dynamic {
    let n = text::len(s) as INT;
    let i = if i < 0 { n + i } else { i };
    if i < 0 || i >= n { Dynamic::UNIT } else { text::sub(s, i as usize, i as usize + 1).into() }
}

fn char_at(s: &str, i: INT) -> Str {
    if i < 0 {
        Str::new()
    } else {
        text::sub(s, (i as usize).min(text::len(s)), (i.saturating_add(1) as usize).min(text::len(s))).into()
    }
}

fn char_code_at(s: &str, i: INT) -> Dynamic {
    let c = if i < 0 {
        None
    } else if s.is_ascii() {
        s.as_bytes().get(i as usize).map(|&b| b as char)
    } else {
        s.chars().nth(i as usize)
    };
    match c {
        // The first UTF-16 unit, as JS gives for a character above U+FFFF.
        Some(c) => Dynamic::from_int(c.encode_utf16(&mut [0; 2])[0] as INT),
        None => Dynamic::from_float(f64::NAN),
    }
}

fn replace(s: &str, pat: &str, rep: &str, all: bool) -> String {
    text::replace(s, pat, rep, all).unwrap_or_else(|| s.to_string())
}

fn repeat(s: &str, n: INT) -> Res<Str> {
    if n < 0 {
        return Err(range_error(&format!("Invalid count value: {n}")));
    }
    if text::len(s).checked_mul(n as usize).is_none_or(|l| l > MAX_LENGTH) {
        return Err(range_error("Invalid string length"));
    }
    Ok(s.repeat(n as usize).into())
}

/// `replace`/`replaceAll` with a function: it gets the match, its position and the
/// whole string (as many as it declares) and returns the replacement.
// Slices by byte index are safe here: `at` and `last` are match starts and ends from `text::matches`.
#[allow(clippy::string_slice)]
fn replace_with(ctx: &NativeCallContext, s: &str, pat: &str, f: &FnPtr, all: bool) -> Res<Str> {
    let cb = Callback::new(ctx, f);
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    for at in text::matches(s, pat, all) {
        out.push_str(&s[last..at]);
        let mut args = [Dynamic::from(pat.to_string()), Dynamic::from_int(text::pos_of(s, at) as INT), Dynamic::UNIT];
        if cb.wants(3) {
            args[2] = s.into();
        }
        out.push_str(&super::to_js_string(&cb.call(&mut args, 1)?));
        last = at + pat.len();
    }
    out.push_str(&s[last..]);
    Ok(out.into())
}

pub fn register(engine: &mut Engine) {
    getter(engine, "length", |s: &mut Str| text::len(s) as INT);
    engine.register_fn("toUpperCase", upper);
    engine.register_fn("toLowerCase", lower);
    engine.register_fn("toLocaleUpperCase", upper);
    engine.register_fn("toLocaleLowerCase", lower);
    engine.register_fn("toString", |s: Str| s);
    engine.register_fn("valueOf", |s: Str| s);
    // A one-character `'a'` may be a char: the same names give the same answers.
    getter(engine, "length", |_: &mut char| 1 as INT);
    engine.register_fn("toUpperCase", |c: char| c.to_uppercase().collect::<String>());
    engine.register_fn("toLowerCase", |c: char| c.to_lowercase().collect::<String>());
    engine.register_fn("toString", |c: char| c.to_string());

    // Searching: with a string or a char, and an optional position.
    engine.register_fn("includes", |s: &str, c: char| s.contains(c));
    engine.register_fn("includes", |s: &str, t: &str, p: INT| text::index_of(s, t, p) >= 0);
    engine.register_fn("startsWith", |s: &str, c: char| s.starts_with(c));
    engine.register_fn("startsWith", starts_with);
    engine.register_fn("endsWith", |s: &str, c: char| s.ends_with(c));
    engine.register_fn("endsWith", ends_with);
    engine.register_fn("indexOf", |s: &str, c: char| text::index_of(s, c.encode_utf8(&mut [0; 4]), 0));
    engine.register_fn("indexOf", |s: &str, t: &str, from: INT| text::index_of(s, t, from));
    engine.register_fn("indexOf", |s: &str, t: &str, from: Dynamic| text::index_of(s, t, to_index(&from)));
    engine.register_fn("lastIndexOf", |s: &str, c: char| text::last_index_of(s, c.encode_utf8(&mut [0; 4]), None));
    engine.register_fn("lastIndexOf", |s: &str, t: &str, from: INT| text::last_index_of(s, t, Some(from)));

    // Parts: integer positions, or any number.
    engine.register_fn("slice", |s: Str| s);
    engine.register_fn("slice", |s: Str, a: INT| keep(&s, text::slice(&s, a, None)));
    engine.register_fn("slice", |s: Str, a: INT, b: INT| keep(&s, text::slice(&s, a, Some(b))));
    engine.register_fn("slice", |s: Str, a: Dynamic| keep(&s, text::slice(&s, to_index(&a), None)));
    engine.register_fn("slice", |s: Str, a: Dynamic, b: Dynamic| {
        let end = if b.is_unit() { None } else { Some(to_index(&b)) };
        keep(&s, text::slice(&s, to_index(&a), end))
    });
    engine.register_fn("substring", |s: Str| s);
    engine.register_fn("substring", |s: Str, a: INT| keep(&s, text::substring(&s, a, None)));
    engine.register_fn("substring", |s: Str, a: INT, b: INT| keep(&s, text::substring(&s, a, Some(b))));
    engine.register_fn("substring", |s: Str, a: Dynamic| keep(&s, text::substring(&s, to_index(&a), None)));
    engine.register_fn("substring", |s: Str, a: Dynamic, b: Dynamic| {
        let end = if b.is_unit() { None } else { Some(to_index(&b)) };
        keep(&s, text::substring(&s, to_index(&a), end))
    });
    engine.register_fn("at", at);
    engine.register_fn("at", |s: &str, i: Dynamic| at(s, to_index(&i)));
    engine.register_fn("charAt", char_at);
    engine.register_fn("charAt", |s: &str| char_at(s, 0));
    engine.register_fn("charAt", |s: &str, i: Dynamic| char_at(s, to_index(&i)));
    engine.register_fn("charCodeAt", char_code_at);
    engine.register_fn("charCodeAt", |s: &str| char_code_at(s, 0));
    engine.register_fn("charCodeAt", |s: &str, i: Dynamic| char_code_at(s, to_index(&i)));

    // `split()` with no separator keeps Rhai's meaning (split at whitespace). The
    // two-string forms of the searches and of `split` are in `fast`.
    engine.register_fn("split", |s: &str, sep: char| split(s, sep.encode_utf8(&mut [0; 4]), None));
    engine.register_fn("split", |s: &str, sep: &str, limit: INT| split(s, sep, Some(limit)));
    engine.register_fn("split", |s: &str, sep: char, limit: INT| split(s, sep.encode_utf8(&mut [0; 4]), Some(limit)));

    // Padding: the fill is a string or a char; the length any number.
    engine.register_fn("padStart", |s: &str, n: INT| pad(s, n, " ", true));
    engine.register_fn("padStart", |s: &str, n: INT, f: &str| pad(s, n, f, true));
    engine.register_fn("padStart", |s: &str, n: INT, f: char| pad(s, n, f.encode_utf8(&mut [0; 4]), true));
    engine.register_fn("padStart", |s: &str, n: Dynamic| pad(s, to_index(&n), " ", true));
    engine.register_fn("padStart", |s: &str, n: Dynamic, f: Dynamic| {
        pad(s, to_index(&n), &super::to_js_string(&f), true)
    });
    engine.register_fn("padEnd", |s: &str, n: INT| pad(s, n, " ", false));
    engine.register_fn("padEnd", |s: &str, n: INT, f: &str| pad(s, n, f, false));
    engine.register_fn("padEnd", |s: &str, n: INT, f: char| pad(s, n, f.encode_utf8(&mut [0; 4]), false));
    engine.register_fn("padEnd", |s: &str, n: Dynamic| pad(s, to_index(&n), " ", false));
    engine
        .register_fn("padEnd", |s: &str, n: Dynamic, f: Dynamic| pad(s, to_index(&n), &super::to_js_string(&f), false));
    engine.register_fn("repeat", repeat);
    engine.register_fn("repeat", |s: &str, n: Dynamic| repeat(s, to_index(&n)));

    // `replace` (the first match) and `replaceAll`: string patterns; the replacement is
    // a string (with `$&`…), a char, or a function.
    for (name, all) in [("replace", false), ("replaceAll", true)] {
        engine.register_fn(name, move |s: &str, p: char, r: char| {
            replace(s, p.encode_utf8(&mut [0; 4]), r.encode_utf8(&mut [0; 4]), all)
        });
        engine.register_fn(name, move |s: &str, p: &str, r: char| replace(s, p, r.encode_utf8(&mut [0; 4]), all));
        engine.register_fn(name, move |s: &str, p: char, r: &str| replace(s, p.encode_utf8(&mut [0; 4]), r, all));
        engine.register_fn(name, move |ctx: NativeCallContext, s: &str, p: &str, f: FnPtr| {
            replace_with(&ctx, s, p, &f, all)
        });
        engine.register_fn(name, move |ctx: NativeCallContext, s: &str, p: char, f: FnPtr| {
            replace_with(&ctx, s, p.encode_utf8(&mut [0; 4]), &f, all)
        });
    }
}
