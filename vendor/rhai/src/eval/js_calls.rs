//! procbox: a method call made directly on a global-module handle calls the method
//! without the generic chain walk (the `js_global_calls` option,
//! [`Engine::set_js_global_calls`]; the handle's kept copy is `js_handles.rs`'s).
//!
//! Its own file, every function out of line: code added to the chain functions'
//! module changed how the compiler inlined them (docs/notes/globalcalls.md).
#![cfg(not(feature = "no_closure"))]
#![cfg(not(feature = "no_object"))]

use crate::ast::Expr;
use crate::eval::{Caches, GlobalRuntimeState};
use crate::{Dynamic, Engine, FnArgsVec, RhaiResult};
#[cfg(feature = "no_std")]
use std::prelude::v1::*;

/// Whether the method call `x` in the chain `expr` is one the direct paths make: not
/// `handle?.method()`, and not a name `make_method_call` handles itself.
#[inline(always)]
fn js_direct(expr: &Expr, x: &crate::ast::FnCallExpr) -> bool {
    !expr.options().intersects(crate::ast::ASTFlags::NEGATED)
        && !matches!(
            x.name.as_str(),
            crate::engine::KEYWORD_FN_PTR_CALL
                | crate::engine::KEYWORD_FN_PTR_CURRY
                | crate::engine::KEYWORD_IS_SHARED
        )
}

impl Engine {
    /// procbox js_global_calls ([`Engine::set_js_global_calls`]): `handle.method(args)`,
    /// the whole chain on a global-module handle's kept copy `cell` (shared, not locked),
    /// is this one call, which is all the chain walk and `make_method_call` would do for
    /// it (the handle is a custom type: no map property holding a function, no `call`; its
    /// arguments are all of `idx_values`, already evaluated; a shared target propagates
    /// nothing). The handle is passed as a reference into the locked cell, as the walk's
    /// `Target::SharedValue` would pass it. `None` (nothing done) for anything else:
    /// another chain, `handle?.method()`, the names `make_method_call` handles itself, a
    /// registered debugger. Out of line so that the chain functions it is called from
    /// keep their shape.
    #[inline(never)]
    pub(crate) fn js_global_call(
        &self,
        global: &mut GlobalRuntimeState,
        caches: &mut Caches,
        expr: &Expr,
        rhs: &Expr,
        cell: &crate::eval::JsCell,
        idx_values: &mut FnArgsVec<Dynamic>,
    ) -> Option<RhaiResult> {
        let Expr::MethodCall(x, pos) = rhs else {
            return None;
        };
        #[cfg(feature = "debugging")]
        if global.debugger.is_some() {
            return None;
        }
        if !js_direct(expr, x) || idx_values.len() != x.args.len() {
            return None;
        }
        let Some(mut guard) = crate::func::locked_write(cell) else {
            let err = crate::ERR::ErrorDataRace(String::new(), crate::Position::NONE);
            return Some(Err(err.into()));
        };
        let mut args = FnArgsVec::new_const();
        args.push(&mut *guard);
        for value in idx_values.iter_mut() {
            args.push(value);
        }
        let native = self.js_no_script_method(caches, x.hashes, args[0].type_name());
        Some(self.js_handle_call(global, caches, x, *pos, &mut args, native, false))
    }

    /// procbox js_borrowed_args ([`Engine::set_js_borrowed_args`]): `handle.method(x)` on a
    /// global-module handle's kept copy, where `x` is a variable: the call
    /// [`Engine::js_global_call`] makes, with `x` itself as the argument instead of a
    /// copy of its value (a variable shared with a closure: another reference to its
    /// cell). `exec_native_fn_call` gives a function that does not borrow what stock Rhai
    /// gives it and puts the variable back; a script method gets a copy. `None` (nothing
    /// done, nothing counted) where the ordinary path must run: another shape, a locked
    /// cell, no kept copy. The operations are counted as the ordinary path counts them:
    /// the arguments, the argument's read, the variable.
    #[inline(never)]
    pub(crate) fn js_global_call_borrowed(
        &self,
        global: &mut GlobalRuntimeState,
        caches: &mut Caches,
        scope: &mut crate::Scope,
        expr: &Expr,
        lhs: &Expr,
        rhs: &Expr,
    ) -> Option<RhaiResult> {
        let (Expr::MethodCall(x, pos), Expr::Variable(.., var_pos)) = (rhs, lhs) else {
            return None;
        };
        let [arg @ Expr::Variable(.., arg_pos)] = &*x.args else {
            return None;
        };
        #[cfg(feature = "internals")]
        if self.missing_function.is_some() {
            return None;
        }
        if !self.js(crate::api::js_closures::JsClosures::GLOBAL_CALLS) || !js_direct(expr, x) {
            return None;
        }
        // `js_flat_slot` declines with a debugger or a variable resolver installed.
        let slot = self.js_flat_slot(global, scope, arg)?;
        // A shared variable is passed as another reference to its cell (stock Rhai passes
        // a copy of the value in it, and reports a data race if the cell is locked).
        let value = &*scope.get_mut_by_index(slot);
        let shared = value.is_shared();
        if shared && value.is_locked() {
            return None;
        }
        let (cell, _) = self.js_global_handle(scope, lhs)?;
        for pos in [rhs.position(), *arg_pos, *var_pos] {
            if let Err(err) = self.track_operation(global, pos) {
                return Some(Err(err));
            }
        }
        let Some(mut guard) = crate::func::locked_write(&cell) else {
            let err = crate::ERR::ErrorDataRace(String::new(), crate::Position::NONE);
            return Some(Err(err.into()));
        };
        let native = self.js_no_script_method(caches, x.hashes, guard.type_name());
        // A script function may change its arguments: it gets a copy.
        let mut copy = Dynamic::UNIT;
        let value = scope.get_mut_by_index(slot);
        let arg = if native && !shared {
            value
        } else {
            copy = if native { value.clone() } else { value.flatten_clone() };
            &mut copy
        };
        let mut args = FnArgsVec::new_const();
        args.push(&mut *guard);
        args.push(arg);
        Some(self.js_handle_call(global, caches, x, *pos, &mut args, native, true))
    }

    /// The method call both direct paths make on the locked handle (`args[0]`): the
    /// native function without the script probes when `native` (the cache knows there
    /// is no script method; `borrowed`: the other arguments are a script's variables),
    /// else `exec_fn_call` as the chain walk would call it.
    #[inline(always)]
    fn js_handle_call(
        &self,
        global: &mut GlobalRuntimeState,
        caches: &mut Caches,
        x: &crate::ast::FnCallExpr,
        pos: crate::Position,
        args: &mut crate::func::FnCallArgs,
        native: bool,
        borrowed: bool,
    ) -> RhaiResult {
        let r = if native {
            self.js_native_method_call(global, caches, &x.name, x.hashes, args, pos, borrowed)
        } else {
            self.exec_fn_call(global, caches, None, &x.name, None, x.hashes, args, true, true, pos)
        };
        r.map(|(v, ..)| v)
    }

    /// Whether `exec_fn_call`'s two probes for a script function (the method's hash typed
    /// with the handle's type, then the plain hash) are both misses the function
    /// resolution cache already holds: then `resolve_fn` would answer `None` to both from
    /// the cache, so nothing else needs to be asked. A hash the cache does not hold (the
    /// first calls, or after a cache was cleared) answers `false`: the caller takes
    /// `exec_fn_call`, which resolves and caches as always.
    #[inline]
    fn js_no_script_method(
        &self,
        caches: &mut Caches,
        hashes: crate::func::FnCallHashes,
        type_name: &'static str,
    ) -> bool {
        #[cfg(not(feature = "no_function"))]
        if !hashes.is_native_only() {
            let hash = hashes.script();
            // The last pair asked for is kept (a call site asks the same each time);
            // `typed_method_hash` searches the list of known types.
            let key = (hash, type_name.as_ptr() as usize, type_name.len());
            let memo = crate::func::locked_read(&self.js_typed_memo).map(|m| *m);
            let typed = match memo {
                Some((h, p, l, typed)) if (h, p, l) == key => typed,
                _ => {
                    let typed = self.typed_method_hash(hash, type_name);
                    if let Some(mut m) = crate::func::locked_write(&self.js_typed_memo) {
                        *m = (key.0, key.1, key.2, typed);
                    }
                    typed
                }
            };
            let cache = caches.fn_resolution_cache_mut();
            return matches!(cache.dict.get(&typed), Some(None))
                && matches!(cache.dict.get(&hash), Some(None));
        }
        let _ = (caches, hashes, type_name);
        true
    }

    /// `exec_fn_call` for a method call known to have no script function (see
    /// [`Engine::js_no_script_method`]): the same steps in the same order (the data-race
    /// check, the syntactic functions, one call level up, the native function), without
    /// the script probes. With a missing-function callback installed, `exec_fn_call`
    /// itself runs. `borrowed`: the arguments after the first are a script's variables
    /// (see [`Engine::js_global_call_borrowed`]).
    fn js_native_method_call(
        &self,
        global: &mut GlobalRuntimeState,
        caches: &mut Caches,
        fn_name: &str,
        hashes: crate::func::FnCallHashes,
        args: &mut crate::func::FnCallArgs,
        pos: crate::Position,
        borrowed: bool,
    ) -> crate::RhaiResultOf<(Dynamic, bool)> {
        #[cfg(feature = "internals")]
        if self.missing_function.is_some() {
            return self.exec_fn_call(
                global, caches, None, fn_name, None, hashes, args, true, true, pos,
            );
        }
        #[cfg(not(feature = "no_closure"))]
        #[cfg(not(feature = "unchecked"))]
        crate::func::ensure_no_data_race(fn_name, args, true)?;
        if let Some(result) = self.exec_syntactic_fn_call(global, caches, fn_name, args, pos)? {
            return Ok((result, false));
        }
        let orig_level = global.level;
        global.level += 1;
        let hash = hashes.native();
        global.js_borrowed = borrowed;
        let result =
            self.exec_native_fn_call(global, caches, fn_name, None, hash, args, true, false, pos);
        global.level = orig_level;
        result
    }
}
