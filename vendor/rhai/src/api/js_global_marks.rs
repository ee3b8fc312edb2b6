//! procbox: parse-time marks on a global handle's name that no scope can hold (the
//! `js_global_marks` option, [`Engine::set_js_global_marks`]).
//!
//! With `js_global_handles`, a chain on `process` first searches the scope for a variable
//! `process` (a scope variable must win over the global), then takes the kept handle.
//! The search fails in every real script and costs about 100 instructions per
//! `process.nextTick(f)`. The parser knows which names the frame it is parsing (the main
//! script, a `fn`, a closure) declares at each point, and how many entries that makes:
//! every declaration the parser has seen at that point is in the frame's runtime scope
//! (Rhai's variable offsets rely on the same fact). A use of a global-module variable's
//! name that none of them declares is marked with that count. At run time, a scope with
//! exactly that many entries holds only those declarations, so the search would fail:
//! it is skipped. Anything the parser cannot see adds entries and so breaks the equality
//! (the search then runs as before): a scope filled by the host or kept by the REPL
//! between lines, variables `eval` defines, the top-level variables `set_js_fn_globals`
//! pushes into a `fn`, a closure's captures (added to the count once they are known).
//!
//! A closure's captured variables are found by name too (the parser cannot give them an
//! offset: they become the closure's leading parameters only once its body is parsed).
//! Once the captures are known, each read of one is marked with its slot (captures come
//! first in the closure's scope) and the scope length at that point; a scope of exactly
//! that length holds the captures and the body's own declarations, so the slot is where
//! the search would find the name (no declaration the parser saw at that point has it).

use crate::ast::{Expr, Stmt};
use crate::parser::{ParseState, SCOPE_SEARCH_BARRIER_MARKER};
use crate::{Engine, ImmutableString};
#[cfg(feature = "no_std")]
use std::prelude::v1::*;

/// The mark's bit in the namespace-hash field of an unqualified [`Expr::Variable`] (zero
/// for every unqualified variable in stock Rhai); the low bits are the scope's length.
pub(crate) const JS_UNSCOPED: u64 = 1 << 63;

/// A captured variable's mark: this bit, the scope's length in bits 32..62, the slot in
/// the low 32 bits.
pub(crate) const JS_CAPTURE: u64 = 1 << 62;

/// The slot of a closure's captured variable whose mark (`mark`, the namespace-hash field)
/// says where it is when the scope has `len` entries; `None`: search by name.
#[inline(always)]
#[must_use]
pub(crate) fn js_capture_slot(mark: u64, len: usize) -> Option<usize> {
    (mark & !0xffff_ffff == JS_CAPTURE | ((len as u64) << 32)).then_some(mark as u32 as usize)
}

impl Engine {
    /// A variable no scope around it declares is marked at parse time with the number of
    /// declarations the parser saw, so that where the scope holds only those (its length
    /// equals the mark's), a chain on a global-module variable's kept handle
    /// ([`Engine::set_js_global_handles`]: `process.nextTick(f)`) skips the scope search,
    /// and a closure's read of a captured variable goes to its slot instead of searching
    /// by name. Nothing a script can observe changes: a search is skipped only where its
    /// answer is known. Default `false` (no marks: every such read searches, as stock).
    #[inline]
    pub fn set_js_global_marks(&mut self, enable: bool) -> &mut Self {
        self.js_global_marks = enable;
        self
    }

    /// The mark for a plain variable `name` read at the current point of `state` (zero:
    /// no mark), which no declaration in the parser's scope has. No mark after a custom
    /// syntax that may change the scope.
    #[cold]
    #[inline(never)]
    pub(crate) fn js_global_mark(&self, state: &ParseState, name: &str) -> u64 {
        if state.js_no_marks {
            return 0;
        }
        for (entry, ..) in state.stack.iter_rev_inner() {
            if entry == SCOPE_SEARCH_BARRIER_MARKER || entry == name {
                return 0;
            }
        }
        JS_UNSCOPED | state.stack.len() as u64
    }

    /// A closure's body was parsed with only its declared parameters in the parser's
    /// scope; at run time its captures (`externals`, the leading parameters in `params`)
    /// come first. Each mark in `body` counts them too; a marked name that is a capture
    /// gets the capture's mark (its slot). A node this walk does not reach keeps a count
    /// too small for any scope of the closure: that read searches by name.
    #[cfg(not(feature = "no_module"))]
    #[cold]
    #[inline(never)]
    pub(crate) fn js_fix_global_marks(
        &self,
        body: &mut Stmt,
        params: &[ImmutableString],
        externals: usize,
    ) {
        if !self.js_global_marks {
            return;
        }
        walk_stmt(body, &mut |v: &mut Expr| {
            if let Expr::Variable(x, ..) = v {
                if x.3 & JS_UNSCOPED != 0 && x.2.is_empty() {
                    let len = (x.3 & !JS_UNSCOPED) + externals as u64;
                    x.3 = match params.iter().position(|p| *p == x.1) {
                        Some(k) if k < externals && len < 1 << 30 => {
                            JS_CAPTURE | (len << 32) | k as u64
                        }
                        Some(_) => 0,
                        None => JS_UNSCOPED | len,
                    };
                }
            }
        });
    }
}

#[cfg(not(feature = "no_module"))]
/// Calls `f` on every expression of `stmt` a chain can be rooted in (not inside switch
/// cases or custom syntax: their marks keep the body's own count).
fn walk_stmt(stmt: &mut Stmt, f: &mut impl FnMut(&mut Expr)) {
    match stmt {
        Stmt::Var(x, ..) => walk_expr(&mut x.1, f),
        Stmt::If(x, ..) | Stmt::While(x, ..) | Stmt::Do(x, ..) | Stmt::TryCatch(x, ..) => {
            walk_expr(&mut x.expr, f);
            x.body.statements_mut().iter_mut().for_each(|s| walk_stmt(s, f));
            x.branch.statements_mut().iter_mut().for_each(|s| walk_stmt(s, f));
        }
        Stmt::For(x, ..) => {
            walk_expr(&mut x.2.expr, f);
            x.2.body.statements_mut().iter_mut().for_each(|s| walk_stmt(s, f));
        }
        Stmt::Assignment(x) => {
            walk_expr(&mut x.1.lhs, f);
            walk_expr(&mut x.1.rhs, f);
        }
        Stmt::FnCall(x, ..) => x.args.iter_mut().for_each(|e| walk_expr(e, f)),
        Stmt::Block(x) => x.statements_mut().iter_mut().for_each(|s| walk_stmt(s, f)),
        Stmt::Expr(e) => walk_expr(e, f),
        Stmt::Return(Some(e), ..) => walk_expr(e, f),
        _ => (),
    }
}

#[cfg(not(feature = "no_module"))]
fn walk_expr(expr: &mut Expr, f: &mut impl FnMut(&mut Expr)) {
    f(expr);
    match expr {
        Expr::Stmt(x) => x.statements_mut().iter_mut().for_each(|s| walk_stmt(s, f)),
        Expr::InterpolatedString(x, ..) | Expr::Array(x, ..) => {
            x.iter_mut().for_each(|e| walk_expr(e, f));
        }
        Expr::Map(x, ..) => x.0.iter_mut().for_each(|(_, e)| walk_expr(e, f)),
        Expr::Index(x, ..) | Expr::Dot(x, ..) => {
            walk_expr(&mut x.lhs, f);
            walk_expr(&mut x.rhs, f);
        }
        Expr::And(x, ..) | Expr::Or(x, ..) | Expr::Coalesce(x, ..) => {
            x.iter_mut().for_each(|e| walk_expr(e, f));
        }
        Expr::FnCall(x, ..) | Expr::MethodCall(x, ..) => {
            x.args.iter_mut().for_each(|e| walk_expr(e, f));
        }
        _ => (),
    }
}
