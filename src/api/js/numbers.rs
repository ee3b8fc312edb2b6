//! Numbers: `toFixed`, `toString(radix)`, the conversions `Number(x)`, `String(x)`,
//! `Boolean(x)`, `parseInt`, `parseFloat`, `isNaN`, and the `Number` object.
//!
//! ```rhai
//! (3.14159).toFixed(2);         // "3.14"
//! (255).toString(16);           // "ff"
//! parseInt("42px");             // 42
//! Number("2.5") + 1;            // 3.5
//! Number.isInteger(5.0);        // true
//! ```
//!
//! An integral result is an integer (`Number("7")` is 7, not 7.0), as elsewhere in
//! procbox; NaN and fractions are floats.

use rhai::{Dynamic, Engine, EvalAltResult, INT, ImmutableString};

use super::{num, to_f64, to_js_string, truthy};
use crate::value::{error, js_number, number};

type Res<T> = Result<T, Box<EvalAltResult>>;

/// The `Number` global: constants and static methods.
#[derive(Clone)]
pub struct NumberGlobal;

fn range_error(msg: &str) -> Box<EvalAltResult> {
    error::throw(error::error("RangeError", msg, None))
}

fn to_fixed(x: f64, digits: INT) -> Res<String> {
    if !(0..=100).contains(&digits) {
        return Err(range_error("toFixed() digits argument must be between 0 and 100"));
    }
    Ok(number::to_fixed(x, digits as usize))
}

fn radix(r: INT) -> Res<u32> {
    if (2..=36).contains(&r) {
        Ok(r as u32)
    } else {
        Err(range_error("toString() radix argument must be between 2 and 36"))
    }
}

fn int_to_radix(i: INT, r: INT) -> Res<String> {
    let r = radix(r)?;
    let mut n = i.unsigned_abs();
    let mut digits = Vec::new();
    loop {
        digits.push(std::char::from_digit((n % r as u64) as u32, r).unwrap_or('0'));
        n /= r as u64;
        if n == 0 {
            break;
        }
    }
    if i < 0 {
        digits.push('-');
    }
    Ok(digits.iter().rev().collect())
}

fn parse_int(s: &str, r: INT) -> Dynamic {
    num(number::parse_int(s, r))
}

fn is_integer(v: &Dynamic) -> bool {
    v.is_int() || v.as_float().is_ok_and(|f| f.is_finite() && f.fract() == 0.0)
}

pub fn register(engine: &mut Engine) {
    engine.register_fn("toFixed", |x: INT| to_fixed(x as f64, 0));
    engine.register_fn("toFixed", |x: f64| to_fixed(x, 0));
    engine.register_fn("toFixed", |x: INT, d: INT| to_fixed(x as f64, d));
    engine.register_fn("toFixed", |x: f64, d: INT| to_fixed(x, d));
    engine.register_fn("toFixed", |x: Dynamic, d: Dynamic| to_fixed(to_f64(&x), super::to_index(&d)));
    engine.register_fn("toString", |x: INT| x.to_string());
    engine.register_fn("toString", |x: f64| js_number(x));
    engine.register_fn("toString", int_to_radix);
    engine.register_fn("toString", |x: f64, r: INT| -> Res<String> { Ok(number::to_radix(x, radix(r)?)) });
    engine.register_fn("toString", |x: Dynamic| to_js_string(&x));

    engine.register_fn("Number", || Dynamic::from_int(0));
    engine.register_fn("Number", |x: Dynamic| num(to_f64(&x)));
    engine.register_fn("String", ImmutableString::new);
    engine.register_fn("String", |x: Dynamic| to_js_string(&x));
    engine.register_fn("Boolean", || false);
    engine.register_fn("Boolean", |x: Dynamic| truthy(&x));
    engine.register_fn("parseInt", |s: &str, r: INT| parse_int(s, r));
    engine.register_fn("parseInt", |s: Dynamic| parse_int(&to_js_string(&s), 0));
    engine.register_fn("parseInt", |s: Dynamic, r: Dynamic| parse_int(&to_js_string(&s), to_f64(&r) as INT));
    engine.register_fn("parseFloat", |s: Dynamic| num(number::parse_float(&to_js_string(&s))));
    engine.register_fn("isNaN", |x: Dynamic| to_f64(&x).is_nan());
    engine.register_fn("isFinite", |x: Dynamic| to_f64(&x).is_finite());

    engine.register_type_with_name::<NumberGlobal>("NumberConstructor");
    engine.register_get("MAX_SAFE_INTEGER", |_: &mut NumberGlobal| number::MAX_SAFE);
    engine.register_get("MIN_SAFE_INTEGER", |_: &mut NumberGlobal| -number::MAX_SAFE);
    engine.register_get("EPSILON", |_: &mut NumberGlobal| f64::EPSILON);
    engine.register_get("MAX_VALUE", |_: &mut NumberGlobal| f64::MAX);
    engine.register_get("MIN_VALUE", |_: &mut NumberGlobal| f64::from_bits(1));
    engine.register_get("POSITIVE_INFINITY", |_: &mut NumberGlobal| f64::INFINITY);
    engine.register_get("NEGATIVE_INFINITY", |_: &mut NumberGlobal| f64::NEG_INFINITY);
    engine.register_get("NaN", |_: &mut NumberGlobal| f64::NAN);
    engine.register_fn("isInteger", |_: &mut NumberGlobal, x: Dynamic| is_integer(&x));
    engine.register_fn("isSafeInteger", |_: &mut NumberGlobal, x: Dynamic| {
        is_integer(&x) && to_f64(&x).abs() <= number::MAX_SAFE as f64
    });
    // Unlike the globals, `Number.isNaN`/`isFinite` do not convert their argument.
    engine.register_fn("isNaN", |_: &mut NumberGlobal, x: Dynamic| x.as_float().is_ok_and(f64::is_nan));
    engine.register_fn("isFinite", |_: &mut NumberGlobal, x: Dynamic| {
        x.is_int() || x.as_float().is_ok_and(f64::is_finite)
    });
    engine.register_fn("parseInt", |_: &mut NumberGlobal, s: Dynamic| parse_int(&to_js_string(&s), 0));
    engine.register_fn("parseInt", |_: &mut NumberGlobal, s: Dynamic, r: INT| parse_int(&to_js_string(&s), r));
    engine.register_fn("parseFloat", |_: &mut NumberGlobal, s: Dynamic| num(number::parse_float(&to_js_string(&s))));
}
