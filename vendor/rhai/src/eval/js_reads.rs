//! procbox: reads of a variable whose value is only used flattened (the `js_flat_reads`
//! option, [`Engine::set_js_flat_reads`]).
//!
//! Stock Rhai reads a variable as an argument (`count < n`, `process.nextTick(tick)`)
//! through a [`Target`][super::Target]: for a shared (captured) variable that is a copy
//! of the shared cell (a reference count), a write lock, the shared copy handed out and
//! then flattened (a second lock and the copy of the value), and both dropped. Where the
//! caller flattens the value anyway (operator operands, method-call arguments, function
//! arguments), the option reads the value out of its slot in one step.

use super::GlobalRuntimeState;
use crate::api::js_closures::JsClosures;
use crate::ast::Expr;
use crate::types::dynamic::Union;
use crate::{Dynamic, Engine, RhaiResultOf, Scope};
#[cfg(feature = "no_std")]
use std::prelude::v1::*;
use std::num::NonZeroUsize;

impl Engine {
    /// The value of an argument expression, flattened: what
    /// `get_arg_value(..).0.flatten()` gives, read in one step for a plain variable in
    /// scope when [`Engine::set_js_flat_reads`] is on.
    #[inline]
    pub(crate) fn get_arg_value_flat(
        &self,
        global: &mut GlobalRuntimeState,
        caches: &mut super::Caches,
        scope: &mut Scope,
        this_ptr: Option<&mut Dynamic>,
        expr: &Expr,
    ) -> RhaiResultOf<Dynamic> {
        if self.js(JsClosures::FLAT_READS) {
            if let Some(value) = self.js_flat_read(global, scope, expr) {
                return value;
            }
        }
        self.get_arg_value(global, caches, scope, this_ptr, expr)
            .map(|(value, ..)| value.flatten())
    }

    /// The flattened value of `expr` when it is a variable found in `scope` (by its
    /// offset, or by name as stock Rhai searches), with nothing installed that stock Rhai
    /// would consult first (a variable resolver, the debugger) and, for a shared
    /// variable, its cell free to lock (as stock Rhai's write lock requires; a locked
    /// cell takes the stock path, which reports the data race). `None`: the caller takes
    /// the stock path. The operation is counted as stock Rhai counts it.
    fn js_flat_read(
        &self,
        global: &mut GlobalRuntimeState,
        scope: &mut Scope,
        expr: &Expr,
    ) -> Option<RhaiResultOf<Dynamic>> {
        let Expr::Variable(.., pos) = expr else {
            return None;
        };
        let slot = self.js_flat_slot(global, scope, expr)?;
        let slot_value = &*scope.get_mut_by_index(slot);
        let value = match slot_value.0 {
            #[cfg(not(feature = "no_closure"))]
            Union::Shared(ref cell, ..) => crate::func::locked_write(cell)?.flatten_clone(),
            _ => slot_value.clone(),
        };
        if let Err(err) = self.track_operation(global, *pos) {
            return Some(Err(err));
        }
        Some(Ok(value))
    }

    /// The first argument of a function call `f(x, ..)` when `x` is a variable found in
    /// `scope` as [`Engine::js_flat_read`] finds it. A shared (captured) variable whose
    /// cell is free to lock: `Ok` with the flattened value, which stock Rhai inserts too
    /// (through a target: a copy of the cell, a lock, and a second lock to flatten). A
    /// plain variable that is not a constant: `Err` with its slot and `false`, which
    /// stock Rhai passes by reference (the caller does). With
    /// [`Engine::set_js_borrowed_args`] on, a shared variable whose cell is free (and no
    /// missing-function callback installed, which would see the cell): `Err` with its
    /// slot and `true`, passed by reference to a borrowing function and as stock Rhai's
    /// copy to any other (`exec_fn_call`). `None` for anything else (not in scope, a
    /// locked cell, a constant): the caller takes the stock path. The caller has counted
    /// the operation.
    #[inline(never)]
    pub(crate) fn js_flat_first(
        &self,
        global: &GlobalRuntimeState,
        scope: &mut Scope,
        expr: &Expr,
    ) -> Option<Result<Dynamic, (usize, bool)>> {
        let slot = self.js_flat_slot(global, scope, expr)?;
        let value = &*scope.get_mut_by_index(slot);
        match value.0 {
            #[cfg(not(feature = "no_closure"))]
            Union::Shared(ref cell, ..) => {
                let guard = crate::func::locked_write(cell)?;
                #[cfg(feature = "internals")]
                let borrow = self.js_borrowed_args && self.missing_function.is_none();
                #[cfg(not(feature = "internals"))]
                let borrow = self.js_borrowed_args;
                Some(if borrow { Err((slot, true)) } else { Ok(guard.flatten_clone()) })
            }
            _ if value.is_read_only() => None,
            _ => Some(Err((slot, false))),
        }
    }

    /// The slot of `expr` in `scope` when it is a plain variable that [`Engine::js_flat_read`]
    /// and [`Engine::js_flat_first`] may read directly: found by its offset, by its
    /// capture mark ([`Engine::set_js_global_marks`]) or by name as stock Rhai searches,
    /// with nothing installed that stock Rhai would consult first (a variable resolver,
    /// the debugger, `always_search_scope`). `None`: the caller takes the stock path.
    #[inline(always)]
    pub(crate) fn js_flat_slot(&self, global: &GlobalRuntimeState, scope: &Scope, expr: &Expr) -> Option<usize> {
        let Expr::Variable(v, short_index, ..) = expr else {
            return None;
        };
        if global.always_search_scope || self.resolve_var.is_some() {
            return None;
        }
        #[cfg(not(feature = "no_module"))]
        if !v.2.is_empty() {
            return None;
        }
        #[cfg(feature = "debugging")]
        if global.debugger.is_some() {
            return None;
        }
        let index = match short_index {
            Some(i) => i.get() as usize,
            None => v.0.map_or(0, NonZeroUsize::get),
        };
        #[cfg(not(feature = "no_module"))]
        let capture = crate::api::js_global_marks::js_capture_slot(v.3, scope.len());
        #[cfg(feature = "no_module")]
        let capture = None;
        if index > 0 {
            Some(scope.len() - index)
        } else if capture.is_some() {
            capture
        } else {
            scope.search(&v.1)
        }
    }
}
