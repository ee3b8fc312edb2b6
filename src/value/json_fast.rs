//! A short parser for the JSON the fork channel carries most: small objects and arrays
//! of integers, short strings, booleans and `null`, straight into script values.
//!
//! It only ever answers when it is sure of giving exactly what serde_json (through
//! `json_seed`) gives: anything it does not handle, or anything wrong, is `None`, and
//! the caller parses the text again with serde_json, which then gives the value or the
//! error. So errors, floats (serde_json's own float algorithm), integers past 18
//! digits, `-0`, `\u` surrogates, control characters and deep nesting all keep their
//! serde_json behaviour. What it does take is built the way `json_seed` builds it:
//! integers as `INT`, strings as shared strings, keys straight into the map's key
//! type, a duplicate key keeping its last value. Tests compare both on every input
//! (fixed cases and a deterministic fuzz).

use std::cell::RefCell;

use rhai::{Array, Dynamic, INT, Identifier, ImmutableString, Map};

/// Nesting handled here; deeper texts go to serde_json (whose limit is 128).
const MAX_DEPTH: usize = 64;

/// The value of `text`, or `None` when serde_json must decide.
pub fn parse(text: &[u8]) -> Option<Dynamic> {
    let mut p = Parser { s: text, i: 0 };
    p.ws();
    let v = p.value(0)?;
    p.ws();
    (p.i == text.len()).then_some(v)
}

/// A shared string holding `text`: one allocation for the text (when it does not fit
/// inline) and one for the share. `ImmutableString::from` copies a long text twice,
/// into a `String` and then into smartstring's own buffer (three allocations, a
/// free and two copies for every message's longer strings).
fn shared(text: &str) -> ImmutableString {
    ident(text).into()
}

/// Strings up to this long are looked up in [`RECENT`].
const SHORT: usize = 16;

thread_local! {
    /// Short string values seen lately, by a hash of their bytes: a message's tags
    /// (`"kind":"event"`, `"type":"job"`) repeat from one message to the next, and a
    /// hit is a reference count instead of an allocation (and a free when the
    /// message is dropped). V8's `JSON.parse` shares its short strings the same way
    /// (it internalizes string values of up to 10 characters). Strings are
    /// immutable values in Rhai (a change copies a shared one first), so sharing
    /// one between messages is invisible to scripts.
    static RECENT: RefCell<[Option<ImmutableString>; 32]> = const { RefCell::new([const { None }; 32]) };
}

/// `text` as a shared string: a recent equal one when there is one.
fn short_or_shared(text: &str) -> ImmutableString {
    let b = text.as_bytes();
    let (Some(&first), Some(&last)) = (b.first(), b.last()) else { return shared(text) };
    if b.len() > SHORT {
        return shared(text);
    }
    let slot = (b.len() * 7 + usize::from(first) * 3 + usize::from(last)) % 32;
    RECENT.with(|recent| {
        let mut recent = recent.borrow_mut();
        match &recent[slot] {
            Some(s) if s.as_str() == text => s.clone(),
            _ => {
                let s = shared(text);
                recent[slot] = Some(s.clone());
                s
            }
        }
    })
}

/// Where the first byte of `bytes` that ends a plain string's run is: `"`, `\\`, a
/// control byte or a non-ASCII one. Eight bytes are checked at a time, in one pass
/// (a `memchr2` for the quote and then a check of the bytes before it cost about
/// twice as much on a message's short keys and strings).
fn special(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // A byte's high bit is set where that byte of `x` is below `n` (`n` <= 0x80); a
    // borrow can only set more above a byte that is, so the lowest one set is exact.
    let below = |x: u64, n: u64| x.wrapping_sub(ONES * n) & !x & HIGH;
    let mut words = bytes.chunks_exact(8);
    let mut at = 0;
    for w in &mut words {
        let x = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
        let hit = below(x, 0x20)
            | below(x ^ (ONES * u64::from(b'"')), 1)
            | below(x ^ (ONES * u64::from(b'\\')), 1)
            | (x & HIGH);
        if hit != 0 {
            return Some(at + (hit.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    let tail = words.remainder().iter().position(|&b| b < 0x20 || b == b'"' || b == b'\\' || b >= 0x80)?;
    Some(at + tail)
}

/// `text` as a map key (the same one copy for a long key).
fn ident(text: &str) -> Identifier {
    let mut s = Identifier::new();
    s.push_str(text);
    s
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

/// A string's text: borrowed from the input when it has no escapes.
enum Text<'a> {
    Raw(&'a str),
    Owned(String),
}

impl Text<'_> {
    fn as_str(&self) -> &str {
        match self {
            Text::Raw(s) => s,
            Text::Owned(s) => s,
        }
    }
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    /// JSON's four whitespace bytes, as serde_json skips them.
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    fn value(&mut self, depth: usize) -> Option<Dynamic> {
        match self.peek()? {
            b'{' if depth < MAX_DEPTH => self.object(depth + 1),
            b'[' if depth < MAX_DEPTH => self.array(depth + 1),
            b'"' => {
                let t = self.string()?;
                Some(short_or_shared(t.as_str()).into())
            }
            b't' => self.word(b"true", Dynamic::TRUE),
            b'f' => self.word(b"false", Dynamic::FALSE),
            b'n' => self.word(b"null", Dynamic::UNIT),
            b'-' | b'0'..=b'9' => self.integer(),
            _ => None,
        }
    }

    fn word(&mut self, w: &[u8], v: Dynamic) -> Option<Dynamic> {
        let end = self.i + w.len();
        (self.s.get(self.i..end)? == w).then(|| {
            self.i = end;
            v
        })
    }

    /// An integer of at most 18 digits (it fits an `i64` whatever they are). A
    /// fraction, an exponent, a leading zero before a digit, `-0` or more digits:
    /// serde_json's business.
    fn integer(&mut self) -> Option<Dynamic> {
        let neg = self.peek() == Some(b'-');
        if neg {
            self.i += 1;
        }
        let start = self.i;
        let mut n: INT = 0;
        while let Some(d @ b'0'..=b'9') = self.peek() {
            if self.i - start == 18 {
                return None;
            }
            n = n * 10 + INT::from(d - b'0');
            self.i += 1;
        }
        let digits = self.i - start;
        if digits == 0 || (digits > 1 && self.s[start] == b'0') || matches!(self.peek(), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        if neg {
            // serde_json makes `-0` the float -0.0.
            return (n != 0).then(|| Dynamic::from_int(-n));
        }
        Some(Dynamic::from_int(n))
    }

    /// A string at `"`: its text, with the simple escapes resolved. A `\u` escape of
    /// a surrogate, a control character or invalid UTF-8: `None`.
    fn string(&mut self) -> Option<Text<'a>> {
        self.i += 1;
        let start = self.i;
        // The common string: no escape, printable ASCII up to the closing quote.
        let rest = self.s.get(start..)?;
        let end = special(rest)?;
        if rest[end] == b'"' {
            self.i = start + end + 1;
            // SAFETY: every byte before `end` is printable ASCII (`special` stops at
            // the first byte that is not), and ASCII is valid UTF-8.
            return Some(Text::Raw(unsafe { std::str::from_utf8_unchecked(&rest[..end]) }));
        }
        let mut owned: Option<String> = None;
        let mut run = start;
        loop {
            let b = self.peek()?;
            match b {
                b'"' => {
                    let tail = std::str::from_utf8(&self.s[run..self.i]).ok()?;
                    self.i += 1;
                    return Some(match owned {
                        None => Text::Raw(tail),
                        Some(mut o) => {
                            o.push_str(tail);
                            Text::Owned(o)
                        }
                    });
                }
                b'\\' => {
                    let chunk = std::str::from_utf8(&self.s[run..self.i]).ok()?;
                    let o = owned.get_or_insert_with(String::new);
                    o.push_str(chunk);
                    let c = match *self.s.get(self.i + 1)? {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hex = std::str::from_utf8(self.s.get(self.i + 2..self.i + 6)?).ok()?;
                            if !hex.bytes().all(|h| h.is_ascii_hexdigit()) {
                                return None;
                            }
                            // Surrogates (pairs or lone): serde_json's business.
                            let c = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
                            self.i += 4;
                            c
                        }
                        _ => return None,
                    };
                    o.push(c);
                    self.i += 2;
                    run = self.i;
                }
                0..=0x1f => return None,
                _ => self.i += 1,
            }
        }
    }

    /// Past a container's opening byte and the whitespace after it: whether an item
    /// follows (false: the container is empty and its `close` is consumed).
    fn open(&mut self, close: u8) -> bool {
        self.i += 1;
        self.ws();
        let empty = self.peek() == Some(close);
        self.i += usize::from(empty);
        !empty
    }

    /// After an item: `,` and the whitespace after it (another item follows), or
    /// `close` (consumed: the container ends); anything else is not the short form.
    fn next_item(&mut self, close: u8) -> Option<bool> {
        self.ws();
        match self.peek()? {
            b',' => {
                self.i += 1;
                self.ws();
                Some(true)
            }
            c if c == close => {
                self.i += 1;
                Some(false)
            }
            _ => None,
        }
    }

    fn array(&mut self, depth: usize) -> Option<Dynamic> {
        let mut out = Array::new();
        let mut more = self.open(b']');
        while more {
            out.push(self.value(depth)?);
            more = self.next_item(b']')?;
        }
        Some(Dynamic::from_array(out))
    }

    fn object(&mut self, depth: usize) -> Option<Dynamic> {
        let mut out = Map::new();
        let mut more = self.open(b'}');
        while more {
            if self.peek()? != b'"' {
                return None;
            }
            let key = ident(self.string()?.as_str());
            self.ws();
            if self.peek()? != b':' {
                return None;
            }
            self.i += 1;
            self.ws();
            let v = self.value(depth)?;
            out.insert(key, v);
            more = self.next_item(b'}')?;
        }
        Some(Dynamic::from_map(out))
    }
}

#[cfg(test)]
#[path = "json_fast_tests.rs"]
pub(crate) mod tests;
