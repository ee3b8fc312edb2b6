//! Fuzz-style test for `JSON.parse`: random and mutated inputs must give `Ok` or an
//! error message, never a panic (a panic aborts release builds, so `try` can't help).
//!
//! Deterministic (a fixed-seed xorshift PRNG) so a failure reproduces; each failing
//! input is printed before the panic propagates.

use super::json::parse;

/// xorshift64*: enough randomness for mutation, no crate needed.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const SEEDS: &[&str] = &[
    r#"{"a":[1,2.5,-3e4,null,true,false],"b":{"c":"x\n\u00e9\ud83d\ude00"}}"#,
    r#"["\u1234","€","日本",{"k":"v"},[[[]]],0.1,1e400]"#,
    r#"  {"long key with spaces": "a\"b\\c\/d\b\f\n\r\t", "n": -0}  "#,
    "\"\\u12€4\"",
    "[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20]",
];

const PIECES: &[&str] = &["€", "é", "😀", "日", "\\u", "\\", "\"", "{", "[", "\n", "\u{0}", ":", ","];

fn check(text: &str) {
    let r = std::panic::catch_unwind(|| parse(text));
    if r.is_err() {
        panic!("JSON.parse panicked on {text:?}");
    }
    if let Ok(Err(msg)) = r {
        assert!(!msg.is_empty(), "empty message for {text:?}");
    }
}

#[test]
fn parse_never_panics_on_multibyte_at_every_position() {
    for seed in SEEDS {
        for at in 0..=seed.len() {
            for piece in PIECES {
                // Insert at every byte index: where it isn't a char boundary, splice bytes
                // and read back lossily (the parser only ever sees valid UTF-8 text).
                let mut bytes = seed.as_bytes().to_vec();
                bytes.splice(at..at, piece.bytes());
                check(&String::from_utf8_lossy(&bytes));
            }
            check(&String::from_utf8_lossy(&seed.as_bytes()[..at]));
        }
    }
}

#[test]
fn parse_never_panics_on_random_and_mutated_input() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let alphabet: Vec<char> = "{}[]\":,.-+eE0123456789tfnul\\/bfnrtu \n€é😀日\u{7f}".chars().collect();
    for round in 0..20_000 {
        let text = if round % 2 == 0 {
            let mut bytes = SEEDS[rng.below(SEEDS.len())].as_bytes().to_vec();
            for _ in 0..=rng.below(4) {
                if bytes.is_empty() {
                    break;
                }
                let i = rng.below(bytes.len());
                match rng.below(3) {
                    0 => bytes[i] ^= 1 << rng.below(8),
                    1 => bytes.truncate(i),
                    _ => bytes.splice(i..i, PIECES[rng.below(PIECES.len())].bytes()).for_each(drop),
                }
            }
            String::from_utf8_lossy(&bytes).into_owned()
        } else {
            (0..rng.below(40)).map(|_| alphabet[rng.below(alphabet.len())]).collect()
        };
        check(&text);
    }
}
