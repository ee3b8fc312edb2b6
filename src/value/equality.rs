//! JavaScript's comparisons on script values: truthiness, `==` (loose), `===` /
//! `Object.is`-style strict equality, and `util.isDeepStrictEqual`.
//!
//! Rhai has two number types (`i64` and `f64`); JavaScript has one, so `1` and `1.0`
//! are the same number here. Maps, arrays and BLOBs are values in Rhai (a copy is
//! equal, there is no identity to compare), so strict equality compares them by
//! content, as deep equality does. Host handles compare equal only when they are the
//! same promise (other handles have no identity visible here).

use rhai::{Array, Blob, Dynamic, FnPtr, Map};

use crate::runtime::promise::Promise;

fn number(v: &Dynamic) -> Option<f64> {
    if let Ok(i) = v.as_int() { Some(i as f64) } else { v.as_float().ok() }
}

fn text(v: &Dynamic) -> Option<String> {
    (v.is_string() || v.is_char()).then(|| v.to_string())
}

/// JavaScript truthiness: `()`, `false`, `0`, `NaN`, `""` are false.
pub fn truthy(v: &Dynamic) -> bool {
    if v.is_unit() {
        return false;
    }
    if let Ok(b) = v.as_bool() {
        return b;
    }
    if let Some(n) = number(v) {
        return n != 0.0 && !n.is_nan();
    }
    if let Some(s) = text(v) {
        return !s.is_empty();
    }
    true
}

/// `SameValue` on numbers (`NaN` is itself, `0` and `-0` differ) for the deep checks.
fn same_number(a: f64, b: f64) -> bool {
    if a.is_nan() && b.is_nan() {
        return true;
    }
    a == b && a.is_sign_negative() == b.is_sign_negative()
}

fn same_fn(a: &FnPtr, b: &FnPtr) -> bool {
    a.fn_name() == b.fn_name() && a.curry().len() == b.curry().len()
}

/// `a === b` (numbers by IEEE: `NaN !== NaN`, `0 === -0`); containers by content.
pub fn strict_equal(a: &Dynamic, b: &Dynamic) -> bool {
    if let (Some(x), Some(y)) = (number(a), number(b)) {
        return x == y;
    }
    deep_equal(a, b)
}

/// `a == b`: `()` equals only `()`, numbers, strings and booleans convert.
pub fn loose_equal(a: &Dynamic, b: &Dynamic) -> bool {
    if a.is_unit() || b.is_unit() {
        return a.is_unit() && b.is_unit();
    }
    let as_num = |v: &Dynamic| -> Option<f64> {
        if let Ok(b) = v.as_bool() {
            return Some(if b { 1.0 } else { 0.0 });
        }
        if let Some(s) = text(v) {
            let t = s.trim();
            return Some(if t.is_empty() { 0.0 } else { t.parse().unwrap_or(f64::NAN) });
        }
        number(v)
    };
    let primitive = |v: &Dynamic| v.as_bool().is_ok() || number(v).is_some();
    if (primitive(a) || primitive(b))
        && let (Some(x), Some(y)) = (as_num(a), as_num(b))
    {
        return x == y;
    }
    strict_equal(a, b)
}

/// `assert.deepEqual(a, b)`: containers by content, what they hold compared with `==`.
pub fn loose_deep_equal(a: &Dynamic, b: &Dynamic) -> bool {
    if let (Some(x), Some(y)) = (a.read_lock::<Array>(), b.read_lock::<Array>()) {
        return x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| loose_deep_equal(p, q));
    }
    if let (Some(x), Some(y)) = (a.read_lock::<Map>(), b.read_lock::<Map>()) {
        return x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| loose_deep_equal(v, w)));
    }
    if let (Some(x), Some(y)) = (number(a), number(b))
        && x.is_nan()
        && y.is_nan()
    {
        return true;
    }
    loose_equal(a, b)
}

/// `util.isDeepStrictEqual(a, b)`.
pub fn deep_strict_equal(a: &Dynamic, b: &Dynamic) -> bool {
    deep_equal(a, b)
}

fn deep_equal(a: &Dynamic, b: &Dynamic) -> bool {
    if a.is_unit() || b.is_unit() {
        return a.is_unit() && b.is_unit();
    }
    if let (Some(x), Some(y)) = (number(a), number(b)) {
        return same_number(x, y);
    }
    if let (Ok(x), Ok(y)) = (a.as_bool(), b.as_bool()) {
        return x == y;
    }
    if let (Some(x), Some(y)) = (text(a), text(b)) {
        return x == y;
    }
    if let (Some(x), Some(y)) = (a.read_lock::<Array>(), b.read_lock::<Array>()) {
        return x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| deep_equal(p, q));
    }
    if let (Some(x), Some(y)) = (a.read_lock::<Map>(), b.read_lock::<Map>()) {
        return x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| deep_equal(v, w)));
    }
    if let (Some(x), Some(y)) = (a.read_lock::<Blob>(), b.read_lock::<Blob>()) {
        return *x == *y;
    }
    if let (Some(x), Some(y)) = (a.read_lock::<FnPtr>(), b.read_lock::<FnPtr>()) {
        return same_fn(&x, &y);
    }
    if let (Some(x), Some(y)) = (a.read_lock::<Promise>(), b.read_lock::<Promise>()) {
        return x.same(&y);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::json::parse;

    fn j(s: &str) -> Dynamic {
        parse(s).unwrap()
    }

    #[test]
    fn comparisons_like_javascript() {
        assert!(strict_equal(&Dynamic::from(1_i64), &Dynamic::from(1.0_f64)));
        assert!(!strict_equal(&Dynamic::from(1_i64), &Dynamic::from("1")));
        assert!(loose_equal(&Dynamic::from(1_i64), &Dynamic::from("1")));
        assert!(loose_equal(&Dynamic::from(true), &Dynamic::from(1_i64)));
        assert!(!loose_equal(&Dynamic::UNIT, &Dynamic::from(0_i64)));
        assert!(!strict_equal(&Dynamic::from(f64::NAN), &Dynamic::from(f64::NAN)));
        assert!(deep_strict_equal(&Dynamic::from(f64::NAN), &Dynamic::from(f64::NAN)));
        assert!(deep_strict_equal(&j(r#"{"a":[1,{"b":2}]}"#), &j(r#"{"a":[1,{"b":2}]}"#)));
        assert!(!deep_strict_equal(&j(r#"{"a":[1,{"b":2}]}"#), &j(r#"{"a":[1,{"b":"2"}]}"#)));
        assert!(!deep_strict_equal(&j(r#"{"a":1}"#), &j(r#"{"a":1,"b":2}"#)));
        assert!(loose_deep_equal(&j(r#"{"a":[1,"2"]}"#), &j(r#"{"a":["1",2]}"#)));
        assert!(!loose_deep_equal(&j("[1,2]"), &j("[1,2,3]")));
        assert!(!truthy(&Dynamic::from("")) && truthy(&Dynamic::from("0")) && !truthy(&Dynamic::from(0.0_f64)));
    }
}
