//! Guards for the byte-index slices allowed under `clippy::string_slice` (see
//! docs/notes/audit.md): every function whose slices were proven to fall on char
//! boundaries is fed strings with 2-, 3- and 4-byte characters at every position and
//! every index argument around them. A wrong proof is a panic here.

use crate::sys::path;
use crate::value::{number, text};

/// Short strings mixing ASCII, the separators the functions look for, and
/// multi-byte characters at every position.
fn samples() -> Vec<String> {
    let pieces = ["é", "€", "😀", "/", ".", "a", "$", ",", "\\", "-", "0x", "1"];
    let mut out = vec![String::new()];
    for a in pieces {
        for b in pieces {
            out.push(format!("{a}{b}"));
            for c in ["€", "/", ".", "😀"] {
                out.push(format!("{a}{b}{c}"));
                out.push(format!("{c}{a}.{b}/{c}"));
            }
        }
    }
    out
}

#[test]
fn text_functions_cut_only_between_characters() {
    let all = samples();
    let needles = ["", "€", "a", "😀/", "."];
    for s in &all {
        let n = text::len(s) as i64;
        for i in -2..=n + 2 {
            for j in [-1, 0, 1, n - 1, n, n + 1] {
                let _ = text::slice(s, i, Some(j));
                let _ = text::substring(s, i, Some(j));
            }
            for needle in needles {
                let _ = text::index_of(s, needle, i);
                let _ = text::last_index_of(s, needle, Some(i));
            }
        }
        for needle in needles {
            let _ = text::split(s, needle, None);
            for rep in ["$`$'$&$$", "€$'", "x"] {
                let _ = text::replace(s, needle, rep, true);
                let _ = text::replace(s, needle, rep, false);
            }
        }
    }
}

#[test]
fn path_functions_cut_only_between_characters() {
    for s in samples() {
        let _ = path::normalize(&s);
        let _ = path::dirname(&s);
        let _ = path::extname(&s);
        let _ = path::parse(&s);
        let _ = path::basename(&s, None);
        let _ = path::basename(&s, Some("€"));
        let _ = path::basename(&s, Some("\u{82ac}"));
        let _ = path::relative(&s, "/€/a", "/€");
        let _ = path::relative("/a€", &s, "/€b");
    }
}

#[test]
fn number_parsers_cut_only_between_characters() {
    for s in samples() {
        for radix in [0, 10, 16, 36] {
            let _ = number::parse_int(&s, radix);
        }
        let _ = number::parse_float(&s);
        let _ = number::parse_float(&format!("-{s}"));
    }
}
