//! The streaming decoder against Node v20's `StringDecoder`: the expected values
//! below are what `new StringDecoder(enc)` gave for the same writes (one string per
//! `write`, then `end()`), except where a comment says why a Rust string cannot.

use super::*;

fn run(enc: &'static str, parts: &[&[u8]]) -> Vec<String> {
    let mut d = Decoder::new(enc);
    let mut out: Vec<String> = parts.iter().map(|p| d.write(p)).collect();
    out.push(d.end());
    out
}

#[test]
fn utf8_split_anywhere_gives_the_whole_text() {
    let text = "a€b😀é";
    let bytes = text.as_bytes();
    for cut in 0..=bytes.len() {
        for cut2 in cut..=bytes.len() {
            let parts = [&bytes[..cut], &bytes[cut..cut2], &bytes[cut2..]];
            let out = run("utf8", &parts);
            assert_eq!(out.concat(), text, "cuts at {cut}, {cut2}");
            assert!(out.iter().all(|s| !s.contains('\u{fffd}')), "no char split at {cut}, {cut2}: {out:?}");
        }
    }
}

#[test]
fn utf8_like_node() {
    assert_eq!(run("utf8", &[b"\xe2\x82", b"\xac\xf0\x9f", b"\x98", b"\x80"]), ["", "€", "", "😀", ""]);
    assert_eq!(run("utf8", &[b"\xf0\x9f", b"\x98", b"\x80A"]), ["", "", "😀A", ""]);
    assert_eq!(run("utf8", &[b"\xe2", b"\x82", b"\xac"]), ["", "", "€", ""]);
    // An unfinished character followed by one that cannot continue it.
    assert_eq!(run("utf8", &[b"\xf0\x9fA"]), ["\u{fffd}A", ""]);
    assert_eq!(run("utf8", &[b"a\xe2", b"A"]), ["a", "\u{fffd}A", ""]);
    // Held at the end: one U+FFFD.
    assert_eq!(run("utf8", &[b"\xf0\x9f\x98"]), ["", "\u{fffd}"]);
    // Bytes that can never start a character are not held back.
    assert_eq!(run("utf8", &[b"\xff", b"\xf8"]), ["\u{fffd}", "\u{fffd}", ""]);
    assert_eq!(run("utf8", &[b"\x80\x80"]), ["\u{fffd}\u{fffd}", ""]);
}

#[test]
fn utf16_never_splits_a_unit_or_a_surrogate_pair() {
    assert_eq!(run("utf16le", &[b"\x3d\xd8", b"\x00\xde"]), ["", "😀", ""]);
    assert_eq!(run("utf16le", &[b"A\x00B"]), ["A", ""]);
    // Node gives "\ud83d" then "\ude00" here (the halves join in a JS string); a Rust
    // string cannot hold half a pair, so the first half waits for the second.
    assert_eq!(run("utf16le", &[b"A", b"\x00\x3d", b"\xd8\x00", b"\xde"]), ["", "A", "", "😀", ""]);
    // A lone high surrogate at the end (Node: "\ud83d"): U+FFFD.
    assert_eq!(run("utf16le", &[b"\x3d\xd8"]), ["", "\u{fffd}"]);
    let text = "a😀€";
    let bytes: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    for cut in 0..=bytes.len() {
        let out = run("utf16le", &[&bytes[..cut], &bytes[cut..]]);
        assert_eq!(out.concat(), text, "cut at {cut}");
    }
}

#[test]
fn base64_holds_partial_groups() {
    assert_eq!(run("base64", &[b"h", b"el", b"lo"]), ["", "aGVs", "", "bG8="]);
    assert_eq!(run("base64", &[b"hell"]), ["aGVs", "bA=="]);
    assert_eq!(run("base64url", &[b"\xfb", b"\xff", b"\xfe\x01"]), ["", "", "-__-", "AQ"]);
    let bytes = b"any carnal pleasure.";
    for cut in 0..=bytes.len() {
        let out = run("base64", &[&bytes[..cut], &bytes[cut..]]);
        assert_eq!(out.concat(), decode(bytes, "base64"), "cut at {cut}");
    }
}

#[test]
fn single_byte_encodings_hold_nothing() {
    assert_eq!(run("latin1", &[b"\xe9", b"\xff"]), ["é", "ÿ", ""]);
    assert_eq!(run("hex", &[b"\x01", b"\xab"]), ["01", "ab", ""]);
    assert_eq!(run("ascii", &[b"a\xe9"]), ["ai", ""]);
}

#[test]
fn text_mode_passes_bytes_until_set_and_never_gives_empty_chunks() {
    let t = TextMode::default();
    assert_eq!(t.encoding(), None);
    assert_eq!(t.chunk(vec![0xe2]), Some(Chunk::Bytes(vec![0xe2])));
    assert_eq!(t.rest(), None);
    t.set("utf8");
    assert_eq!(t.encoding(), Some("utf8"));
    assert_eq!(t.chunk(vec![0xe2, 0x82]), None, "all held back: no empty chunk");
    assert_eq!(t.chunk(vec![0xac, b'x', 0xf0]), Some(Chunk::Text("€x".into())));
    assert_eq!(t.rest(), Some(Chunk::Text("\u{fffd}".into())));
    assert_eq!(t.rest(), None, "the rest is given once");
    t.clear();
    assert_eq!(t.chunk(vec![1]), Some(Chunk::Bytes(vec![1])));
}
