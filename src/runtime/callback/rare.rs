//! The rare steps of a callback's call, out of line: `#[cold]` functions, so that the
//! common call's code is compact. Inline, their code sat between the hot blocks, and a
//! chain link's code did not fit the instruction cache (issue 17).

use rhai::{Caches, EvalAltResult, FnPtr, GlobalRuntimeState, Position, Scope};

use super::{Fast, NESTING};
use crate::runtime::RhaiResult;

/// Too deep a nesting: the depth put back, the error Rhai gives.
#[cold]
#[inline(never)]
pub(super) fn too_deep(depth: usize) -> RhaiResult {
    NESTING.with(|d| d.set(depth));
    Err(EvalAltResult::ErrorStackOverflow(Position::NONE).into())
}

/// The host called the function: the stored context's position is where the
/// callback was given, not a call site, so it is no frame of the error's stack.
#[cold]
#[inline(never)]
pub(super) fn unframe(e: &mut EvalAltResult) {
    if let EvalAltResult::ErrorInFunctionCall(.., pos) = e {
        *pos = Position::NONE;
    }
}

/// The first call's copy of the stored state.
#[cold]
#[inline(never)]
pub(super) fn copy_global(stored: &GlobalRuntimeState) -> GlobalRuntimeState {
    stored.clone()
}

/// The first call's function-resolution cache.
#[cold]
#[inline(never)]
pub(super) fn first_cache(caches: &mut Caches) {
    caches.push_fn_resolution_cache();
}

/// Another closure's captures are bound: they go.
#[cold]
#[inline(never)]
pub(super) fn unbind(bound: &mut Option<FnPtr>, scope: &mut Scope<'static>) {
    *bound = None;
    scope.clear();
}

/// After a call that did not find its captures bound: they are now (kept as `f`'s),
/// or the scope is emptied.
#[cold]
#[inline(never)]
pub(super) fn rebind(bound: &mut Option<FnPtr>, scope: &mut Scope<'static>, is_bound: bool, f: &FnPtr) {
    if is_bound {
        if bound.is_none() {
            *bound = Some(f.clone());
        }
    } else if !scope.is_empty() {
        scope.clear();
    }
}

/// A call left the working state changed: a fresh one next time.
#[cold]
#[inline(never)]
pub(super) fn reset(fast: &mut Fast) {
    *fast = Fast::default();
}
