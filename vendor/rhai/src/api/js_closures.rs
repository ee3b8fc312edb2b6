//! JavaScript-like closure semantics, each a named [`Engine`] option, off by default
//! (a procbox patch; see `vendor/README.md`).
//!
//! * [`Engine::set_js_self_capture`]: in `let x = <expr>`, a closure inside `<expr>` that
//!   uses `x` captures the variable being defined, so
//!   `let t = set_interval(|| clear_interval(t), 10);` works as in JavaScript.
//! * [`Engine::set_js_shared_handles`]: a shared (captured) variable holding a custom type
//!   or a function pointer is not locked while a method runs on it: the method gets a
//!   copy. Only sound when every custom type is a *handle* (a copy is the same object).
//! * [`Engine::set_js_fn_globals`]: a script function sees (reads and writes) the
//!   top-level variables of the main script that it names, as a JavaScript function sees
//!   its module's variables.

use crate::Engine;
use bitflags::bitflags;

bitflags! {
    /// The JavaScript-like closure options that are switched on.
    #[derive(PartialEq, Eq, Clone, Copy, Debug)]
    pub struct JsClosures: u8 {
        /// See [`Engine::set_js_self_capture`].
        const SELF_CAPTURE = 0b001;
        /// See [`Engine::set_js_shared_handles`].
        const SHARED_HANDLES = 0b010;
        /// See [`Engine::set_js_fn_globals`].
        const FN_GLOBALS = 0b100;
        /// See [`Engine::set_js_global_handles`].
        const GLOBAL_HANDLES = 0b1000;
        /// See [`Engine::set_js_result_hints`].
        const RESULT_HINTS = 0b10000;
        /// See [`Engine::set_js_bound_captures`].
        const BOUND_CAPTURES = 0b100000;
        /// See [`Engine::set_js_flat_reads`].
        const FLAT_READS = 0b1000000;
        /// See [`Engine::set_js_global_calls`].
        const GLOBAL_CALLS = 0b10000000;
    }
}

impl Engine {
    /// A closure in the initial value of `let x = …` that uses `x` captures the new `x`
    /// (read when the closure runs). Default `false`: Rhai captures an older `x`, or fails.
    #[inline]
    pub fn set_js_self_capture(&mut self, enable: bool) -> &mut Self {
        self.js_closures.set(JsClosures::SELF_CAPTURE, enable);
        self
    }
    /// A method call or property access on a captured variable holding a custom type or
    /// a function pointer runs on a copy, without locking the variable, so the callee may
    /// call closures that use the same variable. Default `false`.
    #[inline]
    pub fn set_js_shared_handles(&mut self, enable: bool) -> &mut Self {
        self.js_closures.set(JsClosures::SHARED_HANDLES, enable);
        self
    }
    /// Script functions see the main script's top-level variables that they use
    /// (`let cp = …; fn f() { cp.x() }`); a `let` inside the function still shadows.
    /// Default `false`: a function sees only its parameters and its own variables.
    #[inline]
    pub fn set_js_fn_globals(&mut self, enable: bool) -> &mut Self {
        self.js_closures.set(JsClosures::FN_GLOBALS, enable);
        self
    }
    /// A method call or property chain on a variable of a global module (one registered
    /// with [`Engine::register_global_module`]) that holds a custom type runs on one kept
    /// copy of it per variable, instead of a fresh copy per access; the copy is locked
    /// while the chain runs, and an access meanwhile (a callee running script that uses
    /// the same variable) takes a fresh copy, as without the option. Default `false`.
    /// Only sound when every custom type is a *handle* (a copy is the same object), as
    /// for [`Engine::set_js_shared_handles`]: a method that changed the value itself
    /// would change the kept copy, where stock Rhai changes a copy made for the call.
    #[cfg(not(feature = "no_closure"))]
    #[inline]
    pub fn set_js_global_handles(&mut self, enable: bool) -> &mut Self {
        self.js_closures.set(JsClosures::GLOBAL_HANDLES, enable);
        self
    }
    /// A native function can tell, by [`NativeCallContext::js_result_unused`][crate::NativeCallContext::js_result_unused],
    /// that its call is a statement whose value is discarded: a statement of a block
    /// other than its last, the last statement of a loop body, of a branch of such an
    /// `if`, or of a statement block whose value the host discards
    /// ([`GlobalRuntimeState::js_block_unused`][crate::GlobalRuntimeState]). It may
    /// then skip building its result (`setImmediate(f);` need not make the handle that
    /// nobody receives). Calls inside a script function called as such a statement are
    /// not hinted (the function's value is not known to be discarded). Default `false`:
    /// the hint is never given.
    #[inline]
    pub fn set_js_result_hints(&mut self, enable: bool) -> &mut Self {
        self.js_closures.set(JsClosures::RESULT_HINTS, enable);
        self
    }
    /// [`FnPtr::call_raw_in_bound_state`][crate::FnPtr::call_raw_in_bound_state] keeps a
    /// closure's captured variables bound in the caller's scope from one call to the next,
    /// instead of binding each (a copy of the shared value and a scope entry) and dropping
    /// it again on every call. A shared captured variable is kept as it is (what the body
    /// writes to it goes to the shared cell either way); a plain captured value (curried
    /// by `curry`, or a module variable a closure names) is copied into its slot again at
    /// each call, so a body's change to it does not outlive the call. Default `false`: the
    /// method binds them per call, as [`FnPtr::call_raw_in_state`][crate::FnPtr::call_raw_in_state]
    /// does. Nothing else in Rhai reads the option.
    #[cfg(not(feature = "no_closure"))]
    #[inline]
    pub fn set_js_bound_captures(&mut self, enable: bool) -> &mut Self {
        self.js_closures.set(JsClosures::BOUND_CAPTURES, enable);
        self
    }
    /// A variable read where Rhai flattens the value anyway (an operand of an operator,
    /// an argument of a function or method call) copies the value straight out of the
    /// variable's slot: for a shared (captured) variable one lock and the copy of the
    /// value, instead of a copy of the shared cell, a lock, and the flattening copy. The
    /// values, the operations counted and the data-race errors are the same. Default
    /// `false`: every read goes through Rhai's variable target.
    #[inline]
    pub fn set_js_flat_reads(&mut self, enable: bool) -> &mut Self {
        self.js_closures.set(JsClosures::FLAT_READS, enable);
        self
    }
    /// With [`Engine::set_js_global_handles`] on, a method call made directly on a
    /// global-module handle (`process.nextTick(f)`, not `process.a.b()`) goes from the
    /// kept copy straight to the method call, without the generic chain walk in between
    /// (which for such a call only checks what the call has already decided). The function
    /// resolved and called, its arguments and its result are the same. Default `false`.
    #[cfg(not(feature = "no_closure"))]
    #[inline]
    pub fn set_js_global_calls(&mut self, enable: bool) -> &mut Self {
        self.js_closures.set(JsClosures::GLOBAL_CALLS, enable);
        self
    }
    /// Marks the next statements block evaluated as one whose value is discarded, when
    /// [`Engine::set_js_result_hints`] is on (a loop body).
    #[inline(always)]
    pub(crate) fn js_hint_block(&self, global: &mut crate::eval::GlobalRuntimeState) {
        if self.js(JsClosures::RESULT_HINTS) {
            global.js_block_unused = true;
        }
    }
    /// Is the given JavaScript-like closure option on?


    #[inline(always)]
    #[must_use]
    pub(crate) const fn js(&self, option: JsClosures) -> bool {
        self.js_closures.contains(option)
    }
}
