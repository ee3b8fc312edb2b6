//! JSON text straight into script values: serde_json's parser driving a visitor that
//! builds `Dynamic`s, with no `serde_json::Value` tree in between (the fork channel
//! parses every message; the tree and its conversion were half the receiver's work).
//!
//! Same parser, so the same semantics as parsing into a `Value` and converting:
//! integers that fit an `i64` are integers, everything else (fractions, exponents,
//! `-0`, integers past `i64`) a float; a duplicate key keeps its last value; strings
//! are validated UTF-8; nesting stops at serde_json's 128 levels with its "recursion
//! limit exceeded" error (the fork channel then takes its deep path, `value::lenient`).

use std::fmt;

use rhai::{Array, Dynamic, INT, ImmutableString, Map};
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// Parses one complete JSON text (whitespace around it allowed). Small common texts
/// take `json_fast`, which gives the same values; the rest, and every error, serde_json.
pub fn from_slice(text: &[u8]) -> Result<Dynamic, serde_json::Error> {
    match super::json_fast::parse(text) {
        Some(v) => Ok(v),
        None => from_slice_serde(text),
    }
}

/// [`from_slice`] through serde_json only.
pub fn from_slice_serde(text: &[u8]) -> Result<Dynamic, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(text);
    let v = Seed.deserialize(&mut de)?;
    de.end()?;
    Ok(v)
}

/// A JSON value as a script value.
struct Seed;

impl<'de> DeserializeSeed<'de> for Seed {
    type Value = Dynamic;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Dynamic, D::Error> {
        d.deserialize_any(Seed)
    }
}

impl<'de> Visitor<'de> for Seed {
    type Value = Dynamic;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Dynamic, E> {
        Ok(Dynamic::from_bool(b))
    }

    fn visit_i64<E>(self, i: i64) -> Result<Dynamic, E> {
        Ok(Dynamic::from_int(i as INT))
    }

    fn visit_u64<E>(self, u: u64) -> Result<Dynamic, E> {
        Ok(match INT::try_from(u) {
            Ok(i) => Dynamic::from_int(i),
            Err(_) => Dynamic::from_float(u as f64),
        })
    }

    fn visit_f64<E>(self, f: f64) -> Result<Dynamic, E> {
        Ok(Dynamic::from_float(f))
    }

    fn visit_str<E>(self, s: &str) -> Result<Dynamic, E> {
        Ok(ImmutableString::from(s).into())
    }

    fn visit_string<E>(self, s: String) -> Result<Dynamic, E> {
        Ok(ImmutableString::from(s).into())
    }

    fn visit_unit<E>(self) -> Result<Dynamic, E> {
        Ok(Dynamic::UNIT)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Dynamic, A::Error> {
        let mut out = Array::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element_seed(Seed)? {
            out.push(item);
        }
        Ok(Dynamic::from_array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Dynamic, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key_seed(Key)? {
            let value = map.next_value_seed(Seed)?;
            out.insert(key, value);
        }
        Ok(Dynamic::from_map(out))
    }
}

/// An object key, made into the map's key type directly (short keys need no
/// allocation).
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = rhai::Identifier;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<rhai::Identifier, D::Error> {
        d.deserialize_str(Key)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = rhai::Identifier;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E>(self, s: &str) -> Result<rhai::Identifier, E> {
        Ok(s.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::json_fast::tests::shape;
    use serde_json::Value;

    /// The old way: a `Value` tree, then converted.
    fn via_value(text: &str) -> Result<Dynamic, String> {
        serde_json::from_str::<Value>(text).map(super::super::json_deep::from_value).map_err(|e| e.to_string())
    }

    fn direct(text: &str) -> Result<Dynamic, String> {
        from_slice(text.as_bytes()).map_err(|e| e.to_string())
    }

    #[test]
    fn same_values_as_through_a_value_tree() {
        let cases = [
            r#"{"b":[1,2.5,null,"x\n",{"c":[true,[]]}],"a":{},"__proto__":{"x":1}}"#,
            r#"{"a":1,"a":2,"b":{"c":1},"b":[3]}"#,
            "0",
            "-0",
            "-0.0",
            "1.0",
            "1e3",
            "9223372036854775807",
            "9223372036854775808",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "[1.7976931348623157e308, 5e-324, 0.1]",
            r#""\u00e9\ud83d\ude00\t\"\\\/""#,
            r#"{"a long key that does not fit inline at all":"é€😀","":""}"#,
            "  [ ]  ",
            "\"\"",
            "true",
            "null",
        ];
        for c in cases {
            let (a, b) = (direct(c).unwrap(), via_value(c).unwrap());
            assert_eq!(shape(&a), shape(&b), "{c}");
        }
    }

    #[test]
    fn same_errors_as_through_a_value_tree() {
        let nest = |n: usize| format!("{}1{}", "[".repeat(n), "]".repeat(n));
        let deep = nest(129);
        let cases = [
            "",
            "{",
            "[1,",
            "[1,]",
            "1 2",
            "\"abc",
            "\"\\x\"",
            "\"\\ud800\"",
            "{1:2}",
            "nul",
            "01",
            "\"\u{1}\"",
            "1e400",
            deep.as_str(),
        ];
        for c in cases {
            assert_eq!(direct(c).unwrap_err(), via_value(c).unwrap_err(), "{c}");
        }
        assert!(direct(&nest(127)).is_ok());
        assert!(from_slice(b"\"\xff\"").is_err(), "invalid UTF-8 refused");
    }
}
