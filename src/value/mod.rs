//! Conversions of script values: Node-style inspection, JSON, JS number text, and
//! Node-shaped error maps.

pub mod assert_message;
pub mod encoding;
pub mod equality;
pub mod error;
pub mod inspect;
pub mod inspect_layout;
pub mod json;
pub mod json_deep;
pub mod json_fast;
#[cfg(test)]
mod json_fuzz;
pub mod json_seed;
pub mod lenient;
#[cfg(test)]
mod multibyte_tests;
pub mod number;
pub mod sort;
pub mod text;

/// Formats a float as JavaScript's `Number.prototype.toString` does.
// Slices by byte index are safe here: `digits` is ASCII (from LowerExp formatting).
#[allow(clippy::string_slice)]
pub fn js_number(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    if f == 0.0 {
        return "0".into();
    }
    // Shortest round-trip digits and exponent, then JS's choice of notation.
    let e = format!("{:e}", f);
    let (mantissa, exp) = e.split_once('e').expect("LowerExp has an exponent");
    let exp: i32 = exp.parse().expect("exponent is an integer");
    let (neg, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let n = digits.len() as i32;
    let body = if (-7 < exp) && exp < 21 {
        if exp >= n - 1 {
            format!("{}{}", digits, "0".repeat((exp - n + 1) as usize))
        } else if exp >= 0 {
            let (a, b) = digits.split_at((exp + 1) as usize);
            format!("{a}.{b}")
        } else {
            format!("0.{}{}", "0".repeat((-exp - 1) as usize), digits)
        }
    } else {
        let m = if n > 1 { format!("{}.{}", &digits[..1], &digits[1..]) } else { digits.clone() };
        format!("{m}e{}{}", if exp > 0 { "+" } else { "-" }, exp.abs())
    };
    if neg { format!("-{body}") } else { body }
}

#[cfg(test)]
mod tests {
    use super::js_number;

    #[test]
    fn numbers_print_like_javascript() {
        assert_eq!(js_number(1.0), "1");
        assert_eq!(js_number(-2.5), "-2.5");
        assert_eq!(js_number(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(js_number(1e21), "1e+21");
        assert_eq!(js_number(1e20), "100000000000000000000");
        assert_eq!(js_number(1e-7), "1e-7");
        assert_eq!(js_number(0.000001), "0.000001");
        assert_eq!(js_number(123.456), "123.456");
        assert_eq!(js_number(f64::NAN), "NaN");
        assert_eq!(js_number(-1.5e-10), "-1.5e-10");
    }
}
