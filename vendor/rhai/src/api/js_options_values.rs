//! JavaScript-value options (procbox patch): opt-in behaviours that make scripts written
//! by a JavaScript developer give JavaScript's values. All are off by default, so an
//! [`Engine`] that does not switch them on behaves as stock Rhai.
//!
//! * [`Engine::set_js_call_fn_vars`]: `f(x)` calls a variable `f` holding a function pointer
//!   when no function `f` takes those arguments (a script `fn f` still wins).
//! * [`Engine::set_js_division`]: an integer `/` that is not exact gives a float, `/ 0`
//!   gives ±Infinity or NaN, `% 0` gives NaN (integer results stay integers).
//! * [`Engine::set_js_index_read`]: reading an array, string or BLOB index that is out of
//!   range (negative included) gives `()`; writing out of range is still an error.
//! * [`Engine::on_js_catch`]: a host callback builds the value `catch (e)` receives from
//!   the error; with it, a stack overflow is catchable too.

use crate::ast::Expr;
use crate::eval::{Caches, GlobalRuntimeState};
use crate::func::FnCallHashes;
use crate::FnArgsVec;
use crate::types::fn_ptr::FnPtrType;
#[cfg(not(feature = "no_float"))]
use crate::FLOAT;
use crate::{Dynamic, Engine, EvalAltResult, FnPtr, ImmutableString, NativeCallContext, Position, RhaiResult, Scope, INT};
#[cfg(feature = "no_std")]
use std::prelude::v1::*;

/// Callback building the value of `catch (e)`: the error and the source of the `try`.
#[cfg(not(feature = "sync"))]
pub type OnCatchCallback = dyn Fn(&EvalAltResult, Option<&str>) -> Dynamic;
/// Callback building the value of `catch (e)`: the error and the source of the `try`.
#[cfg(feature = "sync")]
pub type OnCatchCallback = dyn Fn(&EvalAltResult, Option<&str>) -> Dynamic + Send + Sync;

impl Engine {
    /// Let `f(x)` call a variable `f` that holds a function pointer (JavaScript calls).
    #[inline(always)]
    pub fn set_js_call_fn_vars(&mut self, enable: bool) -> &mut Self {
        self.js_call_fn_vars = enable;
        self
    }
    /// Is `f(x)` on a function-pointer variable enabled?
    #[inline(always)]
    #[must_use]
    pub const fn js_call_fn_vars(&self) -> bool {
        self.js_call_fn_vars
    }
    /// JavaScript division: an inexact integer `/` gives a float; `/ 0` and `% 0` give
    /// Infinity/NaN instead of an error.
    #[inline(always)]
    pub fn set_js_division(&mut self, enable: bool) -> &mut Self {
        self.js_division = enable;
        self
    }
    /// Is JavaScript division enabled?
    #[inline(always)]
    #[must_use]
    pub const fn js_division(&self) -> bool {
        self.js_division
    }
    /// Reading an out-of-range index of an array, string or BLOB gives `()`.
    #[inline(always)]
    pub fn set_js_index_read(&mut self, enable: bool) -> &mut Self {
        self.js_index_read = enable;
        self
    }
    /// Is the JavaScript index read enabled?
    #[inline(always)]
    #[must_use]
    pub const fn js_index_read(&self) -> bool {
        self.js_index_read
    }
    /// Builds the value `catch (e)` gets from an error (stock Rhai: the thrown value, or a
    /// map with `message`, `line`, `position`). With a callback set, a stack overflow is
    /// also caught.
    #[inline(always)]
    pub fn on_js_catch(
        &mut self,
        callback: impl Fn(&EvalAltResult, Option<&str>) -> Dynamic + crate::func::SendSync + 'static,
    ) -> &mut Self {
        self.js_catch_value = Some(Box::new(callback));
        self
    }

    /// [`Engine::set_js_index_read`] with a float index: a whole number indexes as an
    /// integer; reading at a fraction is out of range (`-1`). `None`: not a float, the
    /// option is off, or a write at a fraction.
    #[cold]
    pub(crate) fn js_float_index(&self, idx: &Dynamic, writing: bool) -> Option<INT> {
        #[cfg(not(feature = "no_float"))]
        if self.js_index_read {
            let f = idx.as_float().ok()?;
            if f.fract() == 0.0 && f.abs() < (1u64 << 53) as FLOAT {
                return Some(f as INT);
            }
            return (!writing).then_some(-1);
        }
        let _ = (idx, writing);
        None
    }

    /// Is `err` caught only because of [`Engine::on_js_catch`]? (Out of line, like
    /// [`Engine::js_catch_value_of`]: `eval_stmt` must not grow, or it stops inlining
    /// its own hot helpers.)
    #[cold]
    #[inline(never)]
    pub(crate) fn js_catches(&self, err: &EvalAltResult) -> bool {
        self.js_catch_value.is_some() && matches!(err, EvalAltResult::ErrorStackOverflow(..))
    }

    /// The value of `catch (e)` built by the [`Engine::on_js_catch`] callback.
    #[cold]
    #[inline(never)]
    pub(crate) fn js_catch_value_of(&self, err: &EvalAltResult, global: &GlobalRuntimeState) -> Dynamic {
        self.js_catch_value.as_ref().map_or(Dynamic::UNIT, |f| f(err, global.source()))
    }

    /// `name(args)` failed with `err`: if no function `name` was found, call the
    /// variable `name` when it holds a function pointer; otherwise `err` stands.
    #[cold]
    #[inline(never)]
    pub(crate) fn js_call_fn_var(
        &self,
        global: &mut GlobalRuntimeState,
        caches: &mut Caches,
        scope: &mut Scope,
        name: &str,
        args: Vec<Dynamic>,
        err: crate::RhaiError,
        pos: Position,
    ) -> RhaiResult {
        let EvalAltResult::ErrorFunctionNotFound(sig, ..) = &*err else { return Err(err) };
        if !is_signature_of(sig, name) {
            return Err(err);
        }
        match self.js_fn_var(global, caches, scope, name, pos) {
            // A function value: call it.
            Some(Some(fn_ptr)) => self.js_call_fn_ptr(global, caches, fn_ptr, args, pos),
            // A variable, but no function: "not a function".
            Some(None) => Err(err),
            // Neither a variable nor a function of any arity: "not defined", as in JS.
            None if !self.js_fn_name_exists(global, name) => {
                Err(EvalAltResult::ErrorVariableNotFound(name.to_string(), pos).into())
            }
            None => Err(err),
        }
    }

    /// The variable `name`: `None` if there is none, `Some(None)` if it holds no
    /// function pointer.
    fn js_fn_var(
        &self,
        global: &mut GlobalRuntimeState,
        caches: &mut Caches,
        scope: &mut Scope,
        name: &str,
        pos: Position,
    ) -> Option<Option<FnPtr>> {
        #[cfg(not(feature = "no_module"))]
        let var = Expr::Variable((None, name.into(), Default::default(), 0).into(), None, pos);
        #[cfg(feature = "no_module")]
        let var = Expr::Variable((None, name.into()).into(), None, pos);
        let target = self.search_namespace(global, caches, scope, None, &var).ok()?;
        let f = target.as_ref().read_lock::<FnPtr>().map(|f| f.clone());
        Some(f)
    }

    /// Is there a function called `name` of any arity (script, registered, package,
    /// imported module)?
    fn js_fn_name_exists(&self, global: &GlobalRuntimeState, name: &str) -> bool {
        let in_module = |m: &crate::Module| m.has_fn_named(name);
        #[cfg(not(feature = "no_function"))]
        if global.lib.iter().any(|m| in_module(m)) {
            return true;
        }
        #[cfg(not(feature = "no_module"))]
        if self.global_sub_modules.values().any(|m| in_module(m)) || global.iter_imports().any(|(_, m)| in_module(m)) {
            return true;
        }
        self.global_modules.iter().any(|m| in_module(m))
    }

    /// Calls a function pointer with JavaScript's arity rules.
    fn js_call_fn_ptr(
        &self,
        global: &mut GlobalRuntimeState,
        caches: &mut Caches,
        fn_ptr: FnPtr,
        args: Vec<Dynamic>,
        pos: Position,
    ) -> RhaiResult {
        let mut args: FnArgsVec<Dynamic> = args.into_iter().collect();
        // A closure takes the arguments it declares, as a JavaScript function does:
        // missing ones are `()`, extra ones are dropped.
        #[cfg(not(feature = "no_function"))]
        if let FnPtrType::Script { num_params, .. } = fn_ptr.typ {
            let wanted = num_params.saturating_sub(fn_ptr.curry().len());
            args.resize(wanted, Dynamic::UNIT);
        }
        let mut target: crate::eval::Target = Dynamic::from(fn_ptr).into();
        let hash = FnCallHashes::from_hash(0);
        self.make_method_call(global, caches, crate::engine::KEYWORD_FN_PTR_CALL, hash, &mut target, &mut args, pos, pos)
            .map(|(v, ..)| v)
    }
}

/// Closure capture for [`Engine::set_js_call_fn_vars`] (parse time).
#[cfg(not(feature = "no_closure"))]
impl Engine {
    /// A closure body calling `f(…)`, where `f` is no script function but a variable of
    /// the enclosing scope (declared there or captured by it), captures `f` as if it
    /// were read. A variable of an outer closure's enclosing scope is not reached.
    #[cold]
    pub(crate) fn js_capture_called_vars(
        &self,
        parent_stack: &Scope,
        parent_captures: &[crate::Ident],
        closure: &mut crate::parser::ParseState,
        body: &crate::ast::Stmt,
    ) {
        let in_parent = |name: &str| {
            parent_captures.iter().any(|v| v.name == name)
                || parent_stack
                    .iter_rev_inner()
                    .map(|(n, ..)| n)
                    .take_while(|n| *n != crate::parser::SCOPE_SEARCH_BARRIER_MARKER)
                    .any(|n| n == name)
        };
        let mut found: Vec<crate::Ident> = Vec::new();
        body.walk(&mut Vec::new(), &mut |path| {
            if let Some(crate::ast::ASTNode::Expr(Expr::FnCall(x, pos))) = path.last() {
                let name = &x.name;
                #[cfg(not(feature = "no_module"))]
                let plain = x.namespace.is_empty();
                #[cfg(feature = "no_module")]
                let plain = true;
                if plain
                    && x.op_token.is_none()
                    && !found.iter().any(|v| v.name == *name)
                    && !closure.external_vars.iter().any(|v| v.name == *name)
                    && !closure.lib.values().any(|f| f.name == *name)
                    && in_parent(name)
                {
                    found.push(crate::Ident { name: name.clone(), pos: *pos });
                }
            }
            true
        });
        closure.external_vars.extend(found);
    }
}

/// Free names for a script `fn` with [`Engine::set_js_call_fn_vars`] (parse time).
#[cfg(not(feature = "no_closure"))]
#[cfg(not(feature = "no_function"))]
impl Engine {
    /// Adds to `free` the names the body calls as plain functions that are neither
    /// parameters, script functions known so far, nor native functions: they may be
    /// top-level variables holding function pointers (the `fn` then sees them as it sees
    /// the top-level variables it reads; names that are no top-level variable are skipped
    /// when it is called).
    #[cold]
    pub(crate) fn js_called_free_names<'a>(
        &self,
        lib: &crate::parser::FnLib,
        params: &[ImmutableString],
        body: impl IntoIterator<Item = &'a crate::ast::Stmt>,
        free: &mut crate::ThinVec<crate::Ident>,
    ) {
        let native = |name: &str| {
            self.global_modules.iter().any(|m| m.has_fn_named(name))
        };
        let mut found: Vec<crate::Ident> = Vec::new();
        for stmt in body {
            stmt.walk(&mut Vec::new(), &mut |path| {
                if let Some(crate::ast::ASTNode::Expr(Expr::FnCall(x, ..))) = path.last() {
                    #[cfg(not(feature = "no_module"))]
                    let plain = x.namespace.is_empty();
                    #[cfg(feature = "no_module")]
                    let plain = true;
                    let name = &x.name;
                    if plain
                        && x.op_token.is_none()
                        && !found.iter().any(|v: &crate::Ident| v.name == *name)
                        && !free.iter().any(|v| v.name == *name)
                        && !params.contains(name)
                        && !lib.values().any(|f| f.name == *name)
                        && !native(name)
                    {
                        found.push(crate::Ident { name: name.clone(), pos: Position::NONE });
                    }
                }
                true
            });
        }
        free.extend(found);
    }
}

/// The values of a failed call's arguments, kept for [`Engine::js_call_fn_var`] (on the
/// heap, so the caller's frame does not grow).
#[cold]
#[inline(never)]
pub(crate) fn clone_args(args: &[&mut Dynamic]) -> Vec<Dynamic> {
    args.iter().map(|a| (**a).clone()).collect()
}

/// Is `sig` (`name (i64, string)`) the signature of a call to `name`?
#[inline]
pub(crate) fn is_signature_of(sig: &str, name: &str) -> bool {
    sig.strip_prefix(name).is_some_and(|rest| rest.starts_with(" (") || rest.is_empty())
}

/// JavaScript `x / y` on integers: exact stays an integer, otherwise a float.
#[cfg(not(feature = "no_float"))]
fn js_div(x: INT, y: INT) -> Dynamic {
    match x.checked_rem(y) {
        Some(0) => (x / y).into(),
        _ => ((x as FLOAT) / (y as FLOAT)).into(),
    }
}

/// JavaScript `x % y` on integers: NaN for `% 0`.
#[cfg(not(feature = "no_float"))]
fn js_mod(x: INT, y: INT) -> Dynamic {
    if y == 0 {
        FLOAT::NAN.into()
    } else {
        x.checked_rem(y).unwrap_or(0).into()
    }
}

fn js_on(ctx: Option<&NativeCallContext>) -> bool {
    ctx.is_some_and(|c| c.engine().js_division)
}

/// Built-in integer `/` (needs the context to see [`Engine::set_js_division`]).
pub(crate) fn int_divide(ctx: Option<NativeCallContext>, args: &mut [&mut Dynamic]) -> RhaiResult {
    let x = args[0].as_int().unwrap();
    let y = args[1].as_int().unwrap();
    #[cfg(not(feature = "no_float"))]
    if js_on(ctx.as_ref()) {
        return Ok(js_div(x, y));
    }
    let _ = ctx;
    crate::packages::arithmetic::arith_basic::INT::functions::divide(x, y).map(Into::into)
}

/// Built-in integer `%`.
pub(crate) fn int_modulo(ctx: Option<NativeCallContext>, args: &mut [&mut Dynamic]) -> RhaiResult {
    let x = args[0].as_int().unwrap();
    let y = args[1].as_int().unwrap();
    #[cfg(not(feature = "no_float"))]
    if js_on(ctx.as_ref()) {
        return Ok(js_mod(x, y));
    }
    let _ = ctx;
    crate::packages::arithmetic::arith_basic::INT::functions::modulo(x, y).map(Into::into)
}

/// Built-in integer `/=` (the variable may become a float).
pub(crate) fn int_divide_assign(ctx: Option<NativeCallContext>, args: &mut [&mut Dynamic]) -> RhaiResult {
    let v = int_divide(ctx, args)?;
    *args[0].write_lock::<Dynamic>().unwrap() = v;
    Ok(Dynamic::UNIT)
}

/// Built-in integer `%=`.
pub(crate) fn int_modulo_assign(ctx: Option<NativeCallContext>, args: &mut [&mut Dynamic]) -> RhaiResult {
    let v = int_modulo(ctx, args)?;
    *args[0].write_lock::<Dynamic>().unwrap() = v;
    Ok(Dynamic::UNIT)
}
