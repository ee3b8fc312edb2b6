//! `json_fast` against serde_json (`json_seed::from_slice_serde`): whenever the short
//! parser answers, serde_json must give the same value, node for node and type for
//! type; where serde_json fails, the short parser must not answer. Fixed cases, the
//! texts it must take (or the fast path would silently never run), and a
//! deterministic fuzz (a fixed-seed xorshift PRNG: a failure reproduces).

use rhai::{Array, Dynamic, Map};

use super::parse;
use crate::value::json_fuzz::Rng;
use crate::value::json_seed::from_slice_serde;

/// Type name of every node, the JSON text and the sign of floats: what a script can
/// tell apart.
pub(crate) fn shape(d: &Dynamic) -> String {
    let text = crate::value::json::stringify(d, "").unwrap_or_default();
    let mut kinds = String::new();
    walk(d, &mut kinds);
    format!("{text} {kinds}")
}

fn walk(d: &Dynamic, out: &mut String) {
    out.push_str(d.type_name());
    out.push(' ');
    if let Some(a) = d.read_lock::<Array>() {
        a.iter().for_each(|x| walk(x, out));
    } else if let Some(m) = d.read_lock::<Map>() {
        for (k, v) in m.iter() {
            out.push_str(k);
            out.push('=');
            walk(v, out);
        }
    } else if let Ok(f) = d.as_float() {
        out.push_str(if f.is_sign_negative() { "neg " } else { "pos " });
    }
}

/// The one rule: an answer from the short parser is serde_json's answer.
fn agree(text: &[u8]) -> bool {
    let Some(fast) = parse(text) else { return false };
    match from_slice_serde(text) {
        Ok(slow) => assert_eq!(shape(&fast), shape(&slow), "{:?}", String::from_utf8_lossy(text)),
        Err(e) => panic!("fast parser took {:?}, serde_json refused: {e}", String::from_utf8_lossy(text)),
    }
    true
}

#[test]
fn takes_the_common_messages() {
    let cases = [
        r#"{"id":12345,"kind":"event","payload":"0123456789012345678901234567890123456789012345678901234567890123456789"}"#,
        r#"{"n":1}"#,
        r#""ready""#,
        "123",
        "-42",
        "0",
        "[]",
        "{}",
        r#"{"__pool":5,"job":7}"#,
        r#"{"__pool":5,"ok":true,"result":null}"#,
        r#" [1, "a", true, false, null, {"b": [ ]}] "#,
        r#""tab\there \"quoted\" back\\slash \/ \b\f\n\r \u00e9\u20ac\u0000""#,
        r#"{"é€😀":"日本","a long key that does not fit inline at all":1,"":""}"#,
        r#"{"a":1,"a":"last"}"#,
        "999999999999999999",
        "-999999999999999999",
        "\"\u{7f}\"",
    ];
    for c in cases {
        assert!(agree(c.as_bytes()), "not taken: {c}");
    }
}

#[test]
fn leaves_the_rest_to_serde_json() {
    let nest = |n: usize| format!("{}1{}", "[".repeat(n), "]".repeat(n));
    let cases = [
        "",
        " ",
        "1.5",
        "-0",
        "-0.0",
        "1e3",
        "1E3",
        "01",
        "-01",
        "-",
        "1000000000000000000",
        "9223372036854775808",
        "\"\\ud83d\\ude00\"",
        "\"\\ud800\"",
        "\"\\u12\"",
        "\"\\x\"",
        "\"a\u{1}b\"",
        "\"abc",
        "[1,]",
        "[1 2]",
        "{\"a\" 1}",
        "{\"a\":1,}",
        "{a:1}",
        "{1:2}",
        "tru",
        "nul",
        "true false",
        "1 2",
        "[",
        "{",
        "\"\n\"",
    ];
    for c in cases {
        assert!(parse(c.as_bytes()).is_none(), "taken: {c:?}");
    }
    assert!(parse(nest(64).as_bytes()).is_some());
    assert!(parse(nest(65).as_bytes()).is_none());
    assert!(parse(b"\"\xff\"").is_none());
    assert!(parse(b"\"a\\n\xc3\"").is_none());
}

const WS: &[&str] = &["", "", "", " ", "\n", "\t", "\r", "  "];
const ATOMS: &[&str] = &[
    "0",
    "7",
    "-7",
    "123456789012345678",
    "-123456789012345678",
    "1234567890123456789",
    "-0",
    "1.5",
    "2e2",
    "true",
    "false",
    "null",
    "\"\"",
    "\"x\"",
    "\"é\"",
    "\"\\n\\u0041\"",
    "\"\\ud83d\\ude00\"",
    "\"\\\"\"",
    "\"a\\/b\"",
];

/// A random JSON text (valid but for what the atoms bring), with random whitespace.
fn generate(rng: &mut Rng, depth: usize, out: &mut String) {
    out.push_str(WS[rng.below(WS.len())]);
    match if depth > 3 { 2 } else { rng.below(3) } {
        0 => {
            out.push('[');
            for i in 0..rng.below(4) {
                if i > 0 {
                    out.push(',');
                }
                generate(rng, depth + 1, out);
            }
            out.push_str(WS[rng.below(WS.len())]);
            out.push(']');
        }
        1 => {
            out.push('{');
            for i in 0..rng.below(4) {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(WS[rng.below(WS.len())]);
                out.push_str(["\"a\"", "\"b\"", "\"a\"", "\"\\u0061\"", "\"k\\n\"", "\"ü\""][rng.below(6)]);
                out.push_str(WS[rng.below(WS.len())]);
                out.push(':');
                generate(rng, depth + 1, out);
            }
            out.push_str(WS[rng.below(WS.len())]);
            out.push('}');
        }
        _ => out.push_str(ATOMS[rng.below(ATOMS.len())]),
    }
    out.push_str(WS[rng.below(WS.len())]);
}

#[test]
fn agrees_with_serde_json_on_generated_and_mutated_texts() {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let pieces: &[&[u8]] =
        &[b"\"", b"\\", b"\\u", b"{", b"}", b"[", b"]", b":", b",", b"-", b"0", b".", b"e", b"\x00", b"\xc3", b"\xff"];
    let (mut taken, mut total) = (0, 0);
    for _ in 0..30_000 {
        let mut text = String::new();
        generate(&mut rng, 0, &mut text);
        let mut bytes = text.into_bytes();
        total += 1;
        taken += usize::from(agree(&bytes));
        for _ in 0..=rng.below(3) {
            if bytes.is_empty() {
                break;
            }
            let i = rng.below(bytes.len() + 1);
            match rng.below(4) {
                0 if i < bytes.len() => bytes[i] ^= 1 << rng.below(8),
                1 => bytes.truncate(i),
                2 if i < bytes.len() => {
                    bytes.remove(i);
                }
                _ => bytes.splice(i..i, pieces[rng.below(pieces.len())].iter().copied()).for_each(drop),
            }
            total += 1;
            taken += usize::from(agree(&bytes));
        }
    }
    // The generator mostly makes texts the short parser handles: if it declined them
    // all, this test would compare nothing.
    assert!(taken * 5 > total, "short parser took {taken} of {total}");
}

/// Recent short string values are shared between parses: equal where they should be,
/// and a script changing one (Rhai copies a shared string before changing it) leaves
/// the other message, and the next parse, as they were. Long and empty strings are
/// not shared.
#[test]
fn recent_short_strings_are_shared_but_stay_values() {
    let engine = rhai::Engine::new();
    let mut scope = rhai::Scope::new();
    let text = br#"{"kind":"event","long":"0123456789abcdef0123","e":""}"#;
    scope.push("a", parse(text).unwrap());
    scope.push("b", parse(text).unwrap());
    let r: String = engine
        .eval_with_scope(&mut scope, r#"a.kind += "!"; a.long += "?"; `${a.kind} ${b.kind} ${b.long.len()}`"#)
        .unwrap();
    assert_eq!(r, "event! event 20");
    let c = parse(text).unwrap();
    let m = c.read_lock::<Map>().unwrap();
    assert_eq!(m["kind"].clone().into_immutable_string().unwrap(), "event");
    let b = scope.get_value::<Map>("b").unwrap();
    let (x, y) =
        (b["kind"].clone().into_immutable_string().unwrap(), m["kind"].clone().into_immutable_string().unwrap());
    assert!(x.ptr_eq(&y), "a recent short value is one shared string");
    let (x, y) =
        (b["long"].clone().into_immutable_string().unwrap(), m["long"].clone().into_immutable_string().unwrap());
    assert!(!x.ptr_eq(&y), "longer strings are not looked up");
}

#[test]
fn the_word_scan_finds_the_first_byte_that_ends_a_plain_run() {
    let naive = |b: &[u8]| b.iter().position(|&c| c < 0x20 || c == b'"' || c == b'\\' || c >= 0x80);
    for len in 0..40 {
        let plain = vec![b'a'; len];
        assert_eq!(super::special(&plain), None);
        for at in 0..len {
            for first in [b'"', b'\\', 0, 0x1f, 0x7f, 0x80, 0xc3, 0xff, b' ', b'~'] {
                let mut b = plain.clone();
                b[at] = first;
                // A second special byte after the first must not hide it.
                if at + 1 < len {
                    b[at + 1] = 0;
                }
                assert_eq!(super::special(&b), naive(&b), "{b:?}");
            }
        }
    }
}
