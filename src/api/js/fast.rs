//! The string searches whose Rhai twins are hot (`contains`, `starts_with`,
//! `index_of`, `split`, `trim`, `replace`,
//! `parse_int`), compiled by Rhai's plugin macros as those twins are: a
//! plugin function borrows its `&str` arguments in place, where `register_fn` moves
//! each one out and back (about 20 instructions an argument), so a JS name costs
//! exactly what its Rhai twin costs.

use rhai::plugin::*;

// The macro's code for a `&mut` first parameter unwraps a lock on a value whose type
// Rhai's dispatch already matched: not reachable from input.
#[allow(clippy::unwrap_used)]
#[export_module]
pub mod js_strings {
    use rhai::{Array, INT, ImmutableString};

    use super::super::strings::keep;

    use crate::value::text;

    #[rhai_fn(name = "includes")]
    pub fn includes(s: &str, t: &str) -> bool {
        s.contains(t)
    }
    #[rhai_fn(name = "startsWith")]
    pub fn starts_with(s: &str, t: &str) -> bool {
        s.starts_with(t)
    }
    #[rhai_fn(name = "endsWith")]
    pub fn ends_with(s: &str, t: &str) -> bool {
        s.ends_with(t)
    }
    #[rhai_fn(name = "indexOf")]
    pub fn index_of(s: &str, t: &str) -> INT {
        text::index_of(s, t, 0)
    }
    #[rhai_fn(name = "lastIndexOf")]
    pub fn last_index_of(s: &str, t: &str) -> INT {
        text::last_index_of(s, t, None)
    }
    #[rhai_fn(name = "localeCompare")]
    pub fn locale_compare(s: &str, t: &str) -> INT {
        text::locale_compare(s, t)
    }
    #[rhai_fn(name = "trim")]
    pub fn trim(s: ImmutableString) -> ImmutableString {
        keep(&s, text::trim(&s))
    }
    #[rhai_fn(name = "trimStart")]
    pub fn trim_start(s: ImmutableString) -> ImmutableString {
        keep(&s, text::trim_start(&s))
    }
    #[rhai_fn(name = "trimEnd")]
    pub fn trim_end(s: ImmutableString) -> ImmutableString {
        keep(&s, text::trim_end(&s))
    }
    /// The first match replaced (`$&`… expanded); the receiver itself when none.
    #[rhai_fn(name = "replace")]
    pub fn replace(s: ImmutableString, pat: &str, rep: &str) -> ImmutableString {
        text::replace(&s, pat, rep, false).map_or(s, Into::into)
    }
    #[rhai_fn(name = "replaceAll")]
    pub fn replace_all(s: ImmutableString, pat: &str, rep: &str) -> ImmutableString {
        text::replace(&s, pat, rep, true).map_or(s, Into::into)
    }
    #[rhai_fn(name = "parseInt")]
    pub fn parse_int(s: &str) -> Dynamic {
        // Plain digits (the usual case) straight to an integer, while a double holds
        // them exactly (as JS gives them).
        if !s.is_empty() && s.len() <= 15 && s.bytes().all(|b| b.is_ascii_digit()) {
            return Dynamic::from_int(s.bytes().fold(0, |n, b| n * 10 + INT::from(b - b'0')));
        }
        crate::api::js::num(crate::value::number::parse_int(s, 0))
    }
    #[rhai_fn(name = "parseFloat")]
    pub fn parse_float(s: &str) -> Dynamic {
        crate::api::js::num(crate::value::number::parse_float(s))
    }
    /// `split()` with no separator keeps Rhai's meaning (split at whitespace).
    #[rhai_fn(name = "split", pure)]
    pub fn split(s: &mut ImmutableString, sep: &str) -> Array {
        if sep.is_empty() {
            return text::split(s.as_str(), sep, None).into_iter().map(Into::into).collect();
        }
        s.split(sep).map(Into::into).collect()
    }
}
