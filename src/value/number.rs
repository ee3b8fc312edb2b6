//! JavaScript's number conversions: `toFixed`, `toString(radix)`, `parseInt`,
//! `parseFloat` and `Number(string)`, over plain `f64`.

/// Largest integer a double holds exactly (`Number.MAX_SAFE_INTEGER`).
pub const MAX_SAFE: i64 = (1 << 53) - 1;

/// The integer `f` is, when it is one and a double holds it exactly: procbox gives
/// integral results as integers, so `arr[Math.floor(x)]` indexes.
pub fn integral(f: f64) -> Option<i64> {
    (f.fract() == 0.0 && f.abs() <= MAX_SAFE as f64).then_some(f as i64)
}

/// `x.toFixed(digits)`: the exact decimal value rounded half away from zero, as JS
/// does (Rust rounds an exact tie to even).
// Slices by byte index are safe here: `exact` is ASCII digits from format!, every index a boundary.
#[allow(clippy::string_slice)]
pub fn to_fixed(x: f64, digits: usize) -> String {
    if !x.is_finite() || x.abs() >= 1e21 {
        return super::js_number(x);
    }
    let x = if x == 0.0 { 0.0 } else { x };
    let sign = if x < 0.0 { "-" } else { "" };
    // Only a value whose next digit rounds to 5 can be a tie; check those exactly.
    let near = format!("{:.p$}", x.abs(), p = digits + 1);
    if near.ends_with('5') {
        // A double's exact expansion has at most 1074 fractional digits.
        let exact = format!("{:.1100}", x.abs());
        let (int, frac) = exact.split_once('.').unwrap_or((&exact, ""));
        if frac.as_bytes()[digits] == b'5' && frac[digits + 1..].bytes().all(|b| b == b'0') {
            let kept = if digits == 0 { int.to_string() } else { format!("{int}.{}", &frac[..digits]) };
            return format!("{sign}{}", increment(&kept));
        }
    }
    format!("{x:.digits$}")
}

/// Adds one unit in the last place of a decimal string (`"1.29"` → `"1.30"`).
fn increment(s: &str) -> String {
    let mut b = s.as_bytes().to_vec();
    for i in (0..b.len()).rev() {
        match b[i] {
            b'.' => continue,
            b'9' => b[i] = b'0',
            d => {
                b[i] = d + 1;
                return String::from_utf8(b).unwrap_or_default();
            }
        }
    }
    format!("1{}", String::from_utf8(b).unwrap_or_default())
}

const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// `x.toString(radix)` for radix 2..=36, digit for digit as V8 writes it.
pub fn to_radix(x: f64, radix: u32) -> String {
    if radix == 10 || !x.is_finite() {
        return super::js_number(x);
    }
    let neg = x < 0.0;
    let value = x.abs();
    let mut integer = value.floor();
    let mut fraction = value - integer;
    let r = radix as f64;
    // V8's DoubleToRadixCString: fraction digits until the value is pinned down.
    let mut frac_digits: Vec<u8> = Vec::new();
    let mut delta = (0.5 * (f64::from_bits(value.to_bits() + 1) - value)).max(f64::from_bits(1));
    if fraction >= delta {
        loop {
            fraction *= r;
            delta *= r;
            let digit = fraction as usize;
            frac_digits.push(DIGITS[digit]);
            fraction -= digit as f64;
            if (fraction > 0.5 || (fraction == 0.5 && digit & 1 == 1)) && fraction + delta > 1.0 {
                // Round up, carrying into the digits already written.
                loop {
                    match frac_digits.pop() {
                        None => {
                            integer += 1.0;
                            break;
                        }
                        Some(c) => {
                            let d = DIGITS.iter().position(|&x| x == c).unwrap_or(0);
                            if d + 1 < radix as usize {
                                frac_digits.push(DIGITS[d + 1]);
                                break;
                            }
                        }
                    }
                }
                break;
            }
            if fraction < delta {
                break;
            }
        }
    }
    let mut int_digits: Vec<u8> = Vec::new();
    // Digits a double cannot represent are written as zeros.
    while integer / r >= 9007199254740992.0 {
        integer /= r;
        int_digits.push(b'0');
    }
    loop {
        let rem = integer % r;
        int_digits.push(DIGITS[rem as usize]);
        integer = (integer - rem) / r;
        if integer <= 0.0 {
            break;
        }
    }
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    out.extend(int_digits.iter().rev().map(|&b| b as char));
    if !frac_digits.is_empty() {
        out.push('.');
        out.extend(frac_digits.iter().map(|&b| b as char));
    }
    out
}

fn js_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

/// `parseInt(s, radix)`: leading digits of the radix (0 or none: 10, or 16 after
/// `0x`); NaN when there are none.
// Slices by byte index are safe here: 1 and 2 skip an ASCII sign or "0x"; `end` comes from `find`: boundaries.
#[allow(clippy::string_slice)]
pub fn parse_int(s: &str, radix: i64) -> f64 {
    let s = s.trim_start_matches(js_space);
    let (neg, s) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let hex = s.len() >= 2 && (s.starts_with("0x") || s.starts_with("0X"));
    let (radix, s) = match radix {
        0 if hex => (16, &s[2..]),
        0 => (10, s),
        16 if hex => (16, &s[2..]),
        r if (2..=36).contains(&r) => (r as u32, s),
        _ => return f64::NAN,
    };
    let end = s.find(|c: char| !c.is_digit(radix)).unwrap_or(s.len());
    let digits = &s[..end];
    if digits.is_empty() {
        return f64::NAN;
    }
    let v = if radix == 10 && digits.len() <= 15 {
        // Exact in a double: no need for the decimal parser.
        digits.bytes().fold(0u64, |acc, b| acc * 10 + u64::from(b - b'0')) as f64
    } else if radix == 10 {
        // Correctly rounded, as JS does for long decimal strings.
        digits.parse::<f64>().unwrap_or(f64::NAN)
    } else {
        digits.chars().fold(0.0, |acc, c| acc * radix as f64 + c.to_digit(radix).unwrap_or(0) as f64)
    };
    if neg { -v } else { v }
}

/// Length of the longest prefix of `s` that is a JS decimal literal (sign,
/// `Infinity`, digits, fraction, exponent); 0 when there is none.
// Slices by byte index are safe here: `i` is 0 or 1, past an ASCII sign: a boundary.
#[allow(clippy::string_slice)]
fn decimal_prefix(s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    if s[i..].starts_with("Infinity") {
        return i + 8;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > start
    };
    let mut any = digits(&mut i);
    if b.get(i) == Some(&b'.') {
        let mut j = i + 1;
        if digits(&mut j) || any {
            any = true;
            i = j;
        }
    }
    if !any {
        return 0;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(b.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        if digits(&mut j) {
            i = j;
        }
    }
    i
}

fn parse_decimal(lit: &str) -> f64 {
    match lit.trim_start_matches(['+', '-']) {
        "Infinity" if lit.starts_with('-') => f64::NEG_INFINITY,
        "Infinity" => f64::INFINITY,
        _ => lit.parse().unwrap_or(f64::NAN),
    }
}

/// `parseFloat(s)`: the longest decimal literal at the start, else NaN.
// Slices by byte index are safe here: `decimal_prefix` counts ASCII bytes only: a boundary.
#[allow(clippy::string_slice)]
pub fn parse_float(s: &str) -> f64 {
    let s = s.trim_start_matches(js_space);
    match decimal_prefix(s) {
        0 => f64::NAN,
        n => parse_decimal(&s[..n]),
    }
}

/// `Number(s)`: the whole string (spaces trimmed) as a literal, `0x`/`0o`/`0b`
/// included; empty is 0; anything else NaN.
pub fn from_str(s: &str) -> f64 {
    let s = s.trim_matches(js_space);
    if s.is_empty() {
        return 0.0;
    }
    for (prefix, radix) in [("0x", 16), ("0X", 16), ("0o", 8), ("0O", 8), ("0b", 2), ("0B", 2)] {
        if let Some(rest) = s.strip_prefix(prefix) {
            let ok = !rest.is_empty() && rest.chars().all(|c| c.is_digit(radix));
            return if ok { parse_int(rest, radix as i64) } else { f64::NAN };
        }
    }
    if decimal_prefix(s) == s.len() { parse_decimal(s) } else { f64::NAN }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn to_fixed_rounds_like_js() {
        assert_eq!(to_fixed(2.5, 0), "3");
        assert_eq!(to_fixed(-2.5, 0), "-3");
        assert_eq!(to_fixed(1.005, 2), "1.00");
        assert_eq!(to_fixed(1.125, 2), "1.13");
        assert_eq!(to_fixed(0.125, 2), "0.13");
        assert_eq!(to_fixed(1.23456, 3), "1.235");
        assert_eq!(to_fixed(-0.0001, 2), "-0.00");
        assert_eq!(to_fixed(-0.0, 2), "0.00");
        assert_eq!(to_fixed(1e21, 2), "1e+21");
        assert_eq!(to_fixed(42.0, 2), "42.00");
    }

    #[test]
    fn radix_like_v8() {
        assert_eq!(to_radix(255.0, 16), "ff");
        assert_eq!(to_radix(-10.0, 2), "-1010");
        assert_eq!(to_radix(0.5, 2), "0.1");
        assert_eq!(to_radix(3.75, 16), "3.c");
        assert_eq!(to_radix(0.1, 3), "0.0022002200220022002200220022002201");
        assert_eq!(to_radix(std::f64::consts::PI, 16), "3.243f6a8885a3");
        assert_eq!(to_radix(123.456, 36), "3f.gez4w97ry");
        assert_eq!(to_radix(-0.3, 5), "-0.122222222222222222222222");
        assert_eq!(to_radix(1e300, 2).len(), 997);
        assert_eq!(to_radix(0.0, 2), "0");
    }

    #[test]
    fn parsing_like_js() {
        assert_eq!(parse_int("  42px", 0), 42.0);
        assert_eq!(parse_int("0x1F", 0), 31.0);
        assert_eq!(parse_int("-ff", 16), -255.0);
        assert_eq!(parse_int("101", 2), 5.0);
        assert!(parse_int("px", 10).is_nan());
        assert!(parse_int("1", 1).is_nan());
        assert_eq!(parse_float("2.5abc"), 2.5);
        assert_eq!(parse_float(".5"), 0.5);
        assert_eq!(parse_float("-Infinityx"), f64::NEG_INFINITY);
        assert_eq!(parse_float("1e3x"), 1000.0);
        assert_eq!(parse_float("1ex"), 1.0);
        assert!(parse_float("x1").is_nan());
        assert_eq!(from_str(" 12 "), 12.0);
        assert_eq!(from_str(""), 0.0);
        assert_eq!(from_str("0x10"), 16.0);
        assert!(from_str("12px").is_nan());
        assert!(from_str("inf").is_nan());
        assert_eq!(from_str("1."), 1.0);
    }
}
