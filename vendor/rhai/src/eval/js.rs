//! procbox: JavaScript truthiness (the `js_truthiness` option).
//!
//! Stock Rhai demands a `bool` wherever it decides; with the option on, any value
//! decides as it would in JavaScript. The check for a real `bool` stays first, so a
//! boolean condition costs what it did.

use crate::ast::Expr;
use crate::types::dynamic::Union;
use crate::{Dynamic, Engine, RhaiResultOf};
#[cfg(feature = "no_std")]
use std::prelude::v1::*;

/// JavaScript's truthiness: `()`, `false`, `0`, `0.0`, NaN and `""` are false; every
/// other value (a character, an array, a map, a function…) is true.
#[must_use]
pub fn js_truthy(value: &Dynamic) -> bool {
    match value.0 {
        Union::Unit(..) => false,
        Union::Bool(b, ..) => b,
        Union::Int(n, ..) => n != 0,
        #[cfg(not(feature = "no_float"))]
        Union::Float(f, ..) => *f != 0.0 && !f.is_nan(),
        #[cfg(feature = "decimal")]
        Union::Decimal(ref d, ..) => !d.is_zero(),
        Union::Str(ref s, ..) => !s.is_empty(),
        #[cfg(not(feature = "no_closure"))]
        Union::Shared(ref cell, ..) => {
            crate::func::locked_read(cell).map_or(true, |v| js_truthy(&v))
        }
        _ => true,
    }
}

impl Engine {
    /// The value of a condition: a `bool` as is; another value by its truthiness when
    /// the option is on, otherwise the stock type error.
    #[inline(always)]
    pub(crate) fn condition(&self, value: &Dynamic, expr: &Expr) -> RhaiResultOf<bool> {
        match value.as_bool() {
            Ok(b) => Ok(b),
            Err(_) if self.js_truthiness => Ok(js_truthy(value)),
            Err(typ) => Err(self.make_type_mismatch_err::<bool>(typ, expr.position())),
        }
    }
}
