//! procbox: a closure does not capture the global-module variables it names (the
//! `js_global_free_names` option, [`Engine::set_js_global_free_names`]); parse time only.
//!
//! Stock Rhai captures every free name of a closure: a name no enclosing scope declares,
//! such as `process` (a variable of a global module), is captured by value when the
//! closure is made (a copy of the module's value, curried as a leading parameter) and
//! bound again at each call. With the option on, such a name stays a plain variable of
//! the body, read by name when the body runs: the closure's scope does not have it, so
//! the global module's variable is found, as a JavaScript closure sees a global live.

use crate::ast::{ASTNode, Expr, Stmt};
use crate::parser::{ParseState, SCOPE_SEARCH_BARRIER_MARKER};
use crate::api::options::LangOptions;
use crate::{Engine, ImmutableString, Scope, ThinVec};
#[cfg(feature = "no_std")]
use std::prelude::v1::*;

impl Engine {
    /// A closure's free name that no enclosing scope declares and that names a variable
    /// of a global module (one registered with [`Engine::register_global_module`]) is not
    /// captured: the body reads the global module's variable by name at each call.
    /// Default `false`: every free name is captured when the closure is made (stock).
    ///
    /// The name is still captured (as stock Rhai does) when a scope around the closure
    /// declares it (a `let`, a parameter, the variable the enclosing `let` defines, a
    /// variable of the scope given to [`Engine::compile_with_scope`]), when the closure
    /// is inside a script `fn` while [`Engine::set_js_fn_globals`] is on (the `fn` may
    /// see a top-level variable of that name), when the body assigns to it or a closure
    /// inside shares it, when the body calls `eval` or a function with `!`, or uses
    /// custom syntax, when a custom syntax around it may declare variables, when a
    /// variable resolver is installed, and under strict variables. Not covered: a
    /// variable of that name declared by `eval` in the enclosing scope before the closure
    /// is made (stock captures it, the closure then sees the global).
    #[cfg(not(feature = "no_closure"))]
    #[inline]
    pub fn set_js_global_free_names(&mut self, enable: bool) -> &mut Self {
        self.js_global_free_names = enable;
        self
    }

    /// The names declared around a closure about to be parsed in `state`, for
    /// [`ParseState::js_outer`]: `None` when the option is off or does not apply there.
    #[cfg(not(feature = "no_closure"))]
    #[cold]
    #[inline(never)]
    pub(crate) fn js_outer_names(&self, state: &ParseState) -> Option<ThinVec<ImmutableString>> {
        if !self.js_global_free_names {
            return None;
        }
        let mut names = state.js_outer.clone()?;
        for (name, ..) in state.stack.iter_rev_inner() {
            if name == SCOPE_SEARCH_BARRIER_MARKER {
                // A custom syntax may declare variables the parser does not see.
                return None;
            }
            if !names.iter().any(|n| n == name) {
                names.push(name.clone());
            }
        }
        if let Some((ref name, _)) = state.pending_let {
            names.push(name.clone());
        }
        Some(names)
    }

    /// Removes from `externals` (a closure's free names, about to be captured) the names
    /// that are global-module variables no enclosing scope declares (see
    /// [`Engine::set_js_global_free_names`]); `closure` is the closure's parse state.
    #[cfg(not(feature = "no_closure"))]
    #[cold]
    #[inline(never)]
    pub(crate) fn js_drop_global_free_names(
        &self,
        closure: &ParseState,
        body: &Stmt,
        externals: &mut ThinVec<crate::Ident>,
    ) {
        let Some(ref outer) = closure.js_outer else {
            return;
        };
        if self.resolve_var.is_some() || self.options.contains(LangOptions::STRICT_VAR) {
            return;
        }
        let constants: Option<&Scope> = closure.external_constants;
        let is_global = |name: &str| {
            !outer.iter().any(|n| n == name)
                && !constants.map_or(false, |s| s.contains(name))
                && self.global_modules.iter().any(|m| m.contains_var(name))
        };
        if !externals.iter().any(|v| is_global(&v.name)) {
            return;
        }
        let Some(written) = written_names(body) else {
            return;
        };
        externals.retain(|v| !is_global(&v.name) || written.iter().any(|w| *w == v.name));
    }
}

/// The names the body assigns to (the root of the left side) or that a closure inside it
/// shares; `None` when the body may change its scope in ways not written out: `eval`, a
/// call with `!` (the callee sees the scope), custom syntax.
#[cfg(not(feature = "no_closure"))]
fn written_names(body: &Stmt) -> Option<Vec<ImmutableString>> {
    let mut names: Vec<ImmutableString> = Vec::new();
    let mut opaque = false;
    body.walk(&mut Vec::new(), &mut |path| {
        match path.last() {
            Some(ASTNode::Stmt(Stmt::Assignment(x))) => {
                if let Some(name) = root_name(&x.1.lhs) {
                    names.push(name.clone());
                }
            }
            Some(ASTNode::Stmt(Stmt::Share(list))) => {
                names.extend(list.iter().map(|(v, _)| v.name.clone()));
            }
            Some(ASTNode::Stmt(Stmt::FnCall(x, ..)) | ASTNode::Expr(Expr::FnCall(x, ..))) => {
                if x.capture_parent_scope || x.name == crate::engine::KEYWORD_EVAL {
                    opaque = true;
                }
            }
            #[cfg(not(feature = "no_custom_syntax"))]
            Some(ASTNode::Expr(Expr::Custom(..))) => opaque = true,
            _ => (),
        }
        !opaque
    });
    (!opaque).then_some(names)
}

/// The variable at the root of an assignment's left side (`x`, `x.a.b`, `x[0].c`).
#[cfg(not(feature = "no_closure"))]
fn root_name(lhs: &Expr) -> Option<&ImmutableString> {
    match lhs {
        Expr::Variable(v, ..) => Some(&v.1),
        #[cfg(not(feature = "no_object"))]
        Expr::Dot(x, ..) => root_name(&x.lhs),
        #[cfg(not(feature = "no_index"))]
        Expr::Index(x, ..) => root_name(&x.lhs),
        _ => None,
    }
}
