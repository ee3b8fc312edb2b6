//! Calling a script callback with JS's arguments, as many as it declares.
//!
//! `arr.map(|x| …)`, `|x, i| …` and `|x, i, arr| …` all work: the callback's declared
//! parameter count is looked up once per array method call (not per element) and the
//! arguments are cut to it, or padded with `()` when it declares more. A native
//! function pointer (`Fn("to_string")`) declares nothing we can see; it gets the
//! method's minimum (the item for `map`, accumulator and item for `reduce`). A
//! callback that declares nothing also gets the first argument as `this`, so Rhai's
//! `arr.filter(|| this > 2)` keeps working.

use std::cell::RefCell;
use std::collections::HashMap;

use rhai::{Dynamic, FnPtr, NativeCallContext};

use crate::runtime::RhaiResult;

thread_local! {
    /// Parameter counts of anonymous functions, by name. An anonymous function's
    /// name is a hash of its definition, so a name always has the same count.
    /// Not a slot on `State`: a memo of what the interpreter compiled (the same for
    /// any runtime), read on every array method call, where a callback gets only
    /// Rhai's call context and no `State`.
    static PARAMS: RefCell<HashMap<String, usize>> = RefCell::new(HashMap::new());
}

pub struct Callback<'a> {
    ctx: &'a NativeCallContext<'a>,
    f: &'a FnPtr,
    /// Parameters declared after the captured ones; `None` for native functions.
    params: Option<usize>,
}

impl<'a> Callback<'a> {
    pub fn new(ctx: &'a NativeCallContext<'a>, f: &'a FnPtr) -> Self {
        let params = declared(ctx, f).map(|n| n.saturating_sub(f.curry().len()));
        Callback { ctx, f, params }
    }

    /// True when the callback declares at least `n` parameters (so building the
    /// `n`th argument is worth it).
    pub fn wants(&self, n: usize) -> bool {
        self.params.is_some_and(|p| p >= n)
    }

    /// Calls with JS's arguments `args`, cut to what the callback declares (`min` of
    /// them for a native function). The arguments are consumed.
    pub fn call(&self, args: &mut [Dynamic], min: usize) -> RhaiResult {
        let n = self.params.unwrap_or(min);
        if n == 0 && !args.is_empty() {
            // Rhai's own form, `arr.map(|| this * 2)`: the item is also `this`.
            return self.f.call_raw(self.ctx, Some(&mut args[0]), []);
        }
        if n <= args.len() {
            return self.f.call_raw(self.ctx, None, &mut args[..n]);
        }
        let mut padded: Vec<Dynamic> = args.iter_mut().map(std::mem::take).collect();
        padded.resize(n, Dynamic::UNIT);
        self.f.call_raw(self.ctx, None, padded)
    }
}

/// The number of parameters (captures included) of the script function `f` names.
fn declared(ctx: &NativeCallContext, f: &FnPtr) -> Option<usize> {
    let name = f.fn_name();
    let anonymous = name.starts_with("anon$");
    if anonymous && let Some(n) = PARAMS.with(|p| p.borrow().get(name).copied()) {
        return Some(n);
    }
    let found =
        ctx.global_runtime_state().lib.iter().find_map(|m| {
            m.iter_script_fn_info().find(|(_, _, fn_name, _, _)| *fn_name == name).map(|(_, _, _, n, _)| n)
        });
    if anonymous && let Some(n) = found {
        PARAMS.with(|p| p.borrow_mut().insert(name.to_string(), n));
    }
    found
}
