//! procbox: chains on global-module variables run on a kept copy (the
//! `js_global_handles` option, [`Engine::set_js_global_handles`]).
//!
//! Stock Rhai hands a global-module variable out by value: `process.nextTick(f)` copies
//! the `process` object (two allocations for a custom type) and drops the copy after the
//! call, on every call. With the option on, such a chain runs on one shared copy per
//! variable, locked while the chain runs, so nothing is allocated per access.

use crate::api::js_closures::JsClosures;
use crate::ast::Expr;
use crate::types::dynamic::{AccessMode, Union};
use crate::{Dynamic, Engine, Scope};
#[cfg(feature = "no_std")]
use std::prelude::v1::*;

/// A kept copy's cell (the copy is inside, as in a shared [`Dynamic`]).
pub(crate) type JsCell = crate::Shared<crate::Locked<Dynamic>>;

/// At most this many names are remembered (each distinct root name of a chain that is
/// no local variable: a handful in practice).
const MAX_CELLS: usize = 64;

impl Engine {
    /// The kept copy of the global-module variable `expr` names, when the option is on,
    /// `expr` is a plain variable the parser did not resolve to a local, no variable of
    /// that name is in scope, no variable resolver is installed (each of which stock
    /// Rhai would consult first), the first global module having the variable holds a
    /// custom type in it, and the copy is not locked by a chain running on it (the
    /// caller then takes the ordinary path, a fresh copy). The result is the copy's cell
    /// and the copy's access mode (what [`js_cell_value`] makes a shared value of): the
    /// caller locks it for the chain. Returned as a pointer and a byte, in registers: a
    /// [`Dynamic`] returned by value is written in pieces that its reader then loads
    /// whole, a stall of several cycles in each of the `process.nextTick(f)` calls.
    pub(crate) fn js_global_handle(&self, scope: &Scope, expr: &Expr) -> Option<(JsCell, AccessMode)> {
        if !self.js(JsClosures::GLOBAL_HANDLES) || self.resolve_var.is_some() {
            return None;
        }
        let Expr::Variable(v, None, ..) = expr else {
            return None;
        };
        #[cfg(not(feature = "no_module"))]
        if !v.2.is_empty() {
            return None;
        }
        if v.0.is_some() {
            return None;
        }
        // procbox js_global_marks: a closure's capture is a variable of its scope.
        #[cfg(not(feature = "no_module"))]
        if v.3 & crate::api::js_global_marks::JS_CAPTURE != 0 {
            return None;
        }
        // procbox js_global_marks: the parser's mark says a scope of this length holds
        // only declarations of other names (see `api/js_global_marks.rs`).
        #[cfg(not(feature = "no_module"))]
        let unscoped = v.3 == crate::api::js_global_marks::JS_UNSCOPED | scope.len() as u64;
        #[cfg(feature = "no_module")]
        let unscoped = false;
        if !unscoped && scope.search(&v.1).is_some() {
            return None;
        }
        let name = &v.1;
        let mut cells = crate::func::locked_write(&self.js_global_cells)?;
        // The parser interns names, so a pointer comparison finds the usual hit.
        let found = cells.iter().find(|(n, _)| n.ptr_eq(name));
        let found = found.or_else(|| cells.iter().find(|(n, _)| n == name));
        let (cell, access) = if let Some((_, cell)) = found {
            cell.clone()
        } else {
            let value = self.global_modules.iter().find_map(|m| m.get_var(name));
            let cell = value.filter(|v| matches!(v.0, Union::Variant(..))).map(|v| {
                let access = v.access_mode();
                (crate::Shared::new(crate::Locked::new(v)), access)
            });
            if cells.len() < MAX_CELLS {
                cells.push((name.clone(), cell.clone()));
            }
            cell
        }?;
        let free = crate::func::locked_read(&cell).is_some();
        free.then_some((cell, access))
    }
}

/// The shared value [`Dynamic::into_shared`] makes of the copy in `cell`.
pub(crate) fn js_cell_value(cell: JsCell, access: AccessMode) -> Dynamic {
    // The default tag, as `into_shared` sets.
    Dynamic(Union::Shared(cell, 0, access))
}
