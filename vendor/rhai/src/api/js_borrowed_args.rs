//! procbox: arguments passed by reference to native functions that only read them (the
//! `js_borrowed_args` option, [`Engine::set_js_borrowed_args`]).
//!
//! Rhai passes every argument but a method's first by value: `process.nextTick(cb)`
//! copies the function pointer `cb` into a boxed value (an allocation and a free per
//! call) that the native function unboxes, only to keep another copy of it. A host
//! function registered with [`Engine::register_js_borrowing_fn`] promises to read its
//! arguments and never take or change them; with the option on, a method call on a
//! global-module handle (`js_global_handles`) whose one argument is a variable passes
//! that variable itself (a variable shared with a closure: another reference to its
//! cell). Any other function the call resolves to gets what stock Rhai gives it (a copy
//! of the value), and the variable is put back after the call, so what a script sees is
//! the same. A function call's first argument (`setImmediate(tick)`) is by reference in
//! stock Rhai unless the variable is shared; with the option, a shared one is passed as
//! its cell to a borrowing function too (`js_flat_first`, [`js_backup_first`]).

use crate::func::native::FnAny;
use crate::func::{FnCallArgs, RhaiFunc, SendSync};
use crate::module::FuncRegistration;
use crate::types::dynamic::Variant;
use crate::{Dynamic, Engine, FnArgsVec, Identifier, NativeCallContext, RhaiResultOf, Shared};
use std::any::TypeId;
#[cfg(feature = "no_std")]
use std::prelude::v1::*;

impl Engine {
    /// A method call on a global-module handle whose one argument is a plain variable not
    /// shared with a closure (`process.nextTick(cb)`) passes the variable by reference to
    /// a function registered with [`Engine::register_js_borrowing_fn`]; any other
    /// function gets a copy, as stock Rhai gives it. The function called, its arguments'
    /// values, the operations counted and the result are the same. Needs
    /// [`Engine::set_js_global_handles`] and [`Engine::set_js_global_calls`]. Also, with
    /// [`Engine::set_js_flat_reads`]: a function call `f(x, ..)` whose first argument is
    /// a variable shared with a closure passes the variable's cell to a borrowing
    /// function; a script function or another native one gets a copy of the value in it,
    /// as stock Rhai gives. Default `false`: every argument is copied.
    #[inline]
    pub fn set_js_borrowed_args(&mut self, enable: bool) -> &mut Self {
        self.js_borrowed_args = enable;
        self
    }

    /// [`Engine::register_raw_fn`] for a function that only reads its arguments (the first
    /// too, which may be a shared variable's cell): it neither takes nor changes them, so that [`Engine::set_js_borrowed_args`]
    /// may pass a script's variable itself. Called like any raw function otherwise.
    pub fn register_js_borrowing_fn<T: Variant + Clone>(
        &mut self,
        name: impl AsRef<str> + Into<Identifier>,
        arg_types: impl AsRef<[TypeId]>,
        func: impl Fn(NativeCallContext, &mut FnCallArgs) -> RhaiResultOf<T> + SendSync + 'static,
    ) -> &mut Self {
        let func: Shared<FnAny> =
            Shared::new(move |ctx: Option<NativeCallContext>, args: &mut FnCallArgs| {
                func(ctx.unwrap(), args).map(Dynamic::from)
            });
        // Kept here (not its address alone): a replaced function's address cannot be
        // reused by another while the list holds it.
        self.js_borrowing.push(func.clone());
        FuncRegistration::new(name).in_global_namespace().set_into_module_raw(
            self.global_namespace_mut(),
            arg_types,
            RhaiFunc::Method {
                func,
                has_context: true,
                is_pure: true,
                is_volatile: true,
            },
        );
        self
    }

    /// Whether `func` was registered with [`Engine::register_js_borrowing_fn`].
    #[inline]
    pub(crate) fn js_borrows(&self, func: &RhaiFunc) -> bool {
        match func {
            RhaiFunc::Method { func, .. } => self.js_borrowing.iter().any(|f| Shared::ptr_eq(f, func)),
            _ => false,
        }
    }
}

/// The arguments after the first as stock Rhai passes them (a copy, the value inside a
/// shared cell), for a function that may take or change them (see
/// [`Engine::set_js_borrowed_args`]); what they held is returned, for [`js_restore_args`].
#[cold]
#[inline(never)]
pub(crate) fn js_backup_args(args: &mut FnCallArgs) -> FnArgsVec<Dynamic> {
    let stock = |arg: &mut &mut Dynamic| {
        let copy = arg.flatten_clone();
        core::mem::replace(&mut **arg, copy)
    };
    args.iter_mut().skip(1).map(stock).collect()
}

/// The first argument, a shared variable's own slot (`f(x, ..)`, see
/// [`Engine::set_js_borrowed_args`]), replaced by a copy of the value in its cell, as
/// stock Rhai passes it to a function that does not borrow; the slot's value is returned
/// for the caller to put back after the call.
#[cold]
#[inline(never)]
pub(crate) fn js_backup_first(args: &mut FnCallArgs) -> Dynamic {
    let copy = args[0].flatten_clone();
    core::mem::replace(&mut *args[0], copy)
}

/// Puts back what [`js_backup_args`] returned, whatever the function left in its place.
#[cold]
#[inline(never)]
pub(crate) fn js_restore_args(args: &mut FnCallArgs, backup: FnArgsVec<Dynamic>) {
    for (arg, value) in args.iter_mut().skip(1).zip(backup) {
        **arg = value;
    }
}
