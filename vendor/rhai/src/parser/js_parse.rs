//! procbox: the parser's side of the JavaScript options (`Engine::set_js_…`).
//!
//! Everything here runs at parse time only, and only with its option on; the trees it
//! builds are ordinary Rhai (`if` expressions, op-assignments, `()`), so evaluation is
//! untouched.

use super::{ParseResult, ParseSettings, ParseState};
use crate::ast::{Expr, FlowControl, FnCallExpr, Stmt, StmtBlock};
use crate::func::FnCallHashes;
use crate::types::token::{is_valid_identifier, Token};
use crate::{
    calc_fn_hash, Engine, LexError, ParseError, ParseErrorType, Position, SmartString, PERR,
};
#[cfg(feature = "no_std")]
use std::prelude::v1::*;

/// How many tokens before a syntax error a `function` keyword is looked for.
const HINT_WINDOW: usize = 40;

impl Expr {
    /// A condition: stock Rhai refuses a literal that can never be a `bool`; with JS
    /// truthiness every value is a condition.
    pub(super) fn ensure_js_condition(self, engine: &Engine) -> ParseResult<Self> {
        if engine.js_truthiness {
            Ok(self)
        } else {
            self.ensure_bool_expr()
        }
    }
}

/// The spelling of a keyword or reserved word, when it looks like a name.
pub(super) fn keyword_name(token: &Token) -> Option<SmartString> {
    match token {
        Token::Reserved(s) if is_valid_identifier(s) => Some((**s).clone()),
        #[cfg(not(feature = "no_custom_syntax"))]
        Token::Custom(s) if is_valid_identifier(s) => Some((**s).clone()),
        t if t.is_literal() && is_valid_identifier(t.literal_syntax()) => {
            Some(t.literal_syntax().into())
        }
        _ => None,
    }
}

/// The text the syntax hints look at: names and symbols as written, other values as `…`.
pub(crate) fn js_token_text(token: &Token) -> SmartString {
    match token {
        Token::Identifier(s) | Token::Reserved(s) => (**s).clone(),
        #[cfg(not(feature = "no_custom_syntax"))]
        Token::Custom(s) => (**s).clone(),
        t if t.is_literal() => t.literal_syntax().into(),
        _ => "…".into(),
    }
}

impl Engine {
    /// Is `op` an operator the binary-operator loop must stop at (the ternary's `?`, a
    /// postfix `++`/`--`)?
    #[inline]
    pub(super) fn is_js_operator(&self, op: &str) -> bool {
        (self.js_ternary && op == "?") || (self.js_increments && (op == "++" || op == "--"))
    }

    /// `cond ? a : b` when `?` follows `cond`: the `if` expression
    /// `if cond { a } else { b }`. Otherwise `cond` as it is.
    pub(super) fn parse_js_ternary(
        &self,
        state: &mut ParseState,
        settings: ParseSettings,
        cond: Expr,
    ) -> ParseResult<Expr> {
        if !self.js_ternary
            || !matches!(&state.input.peek().unwrap().0, Token::Reserved(s) if s.as_str() == "?")
        {
            return Ok(cond);
        }
        state.input.next();
        let cond = cond.ensure_js_condition(self)?;
        let then = self.parse_expr(state, settings.level_up()?)?;
        match state.input.next().unwrap() {
            (Token::Colon, ..) => (),
            (Token::LexError(err), pos) => return Err(err.into_err(pos)),
            (.., pos) => {
                return Err(PERR::MissingToken(
                    Token::Colon.into(),
                    "to separate the two branches of '? :'".into(),
                )
                .into_err(pos))
            }
        }
        let otherwise = self.parse_expr(state, settings.level_up()?)?;
        let pos = cond.start_position();
        let body: StmtBlock = Stmt::Expr(then.into()).into();
        let branch: StmtBlock = Stmt::Expr(otherwise.into()).into();
        let stmt = Stmt::If(
            FlowControl {
                expr: cond,
                body,
                branch,
            }
            .into(),
            pos,
        );
        Ok(Expr::Stmt(Box::new(stmt.into())))
    }

    /// Is `token` a `++` or `--` to parse?
    #[inline]
    pub(super) fn is_js_increment(&self, token: &Token) -> bool {
        self.js_increments
            && matches!(token, Token::Reserved(s) if s.as_str() == "++" || s.as_str() == "--")
    }

    /// `++x`/`--x` (`prefix`) or `x++`/`x--`: the op-assignment `x += 1` in a block whose
    /// value is JavaScript's: the new value for the prefix forms, the old one (`x - 1`
    /// after the increment) for the postfix forms. `x` must be assignable.
    pub(super) fn make_js_increment(
        &self,
        state: &mut ParseState,
        op: &str,
        target: Expr,
        prefix: bool,
        pos: Position,
    ) -> ParseResult<Expr> {
        let (assign, undo) = if op == "++" {
            (Token::PlusAssign, "-")
        } else {
            (Token::MinusAssign, "+")
        };
        let one = Expr::IntegerConstant(1, pos);
        let value = if prefix {
            target.clone()
        } else {
            FnCallExpr {
                #[cfg(not(feature = "no_module"))]
                namespace: crate::module::Namespace::NONE,
                name: self.get_interned_string(undo),
                hashes: FnCallHashes::from_native_only(calc_fn_hash(None, undo, 2)),
                args: IntoIterator::into_iter([target.clone(), one.clone()]).collect(),
                op_token: Some(if undo == "-" {
                    Token::Minus
                } else {
                    Token::Plus
                }),
                capture_parent_scope: false,
            }
            .into_fn_call_expr(pos)
        };
        let stmt = Self::make_assignment_stmt(Some(assign), state, target, one, pos)?;
        // No end position: marks the block as an increment for `js_expr_stmt`.
        let block = StmtBlock::new([stmt, Stmt::Expr(value.into())], pos, Position::NONE);
        Ok(Expr::Stmt(Box::new(block)))
    }

    /// An increment used as a statement (`i++;`) is only its op-assignment.
    pub(super) fn js_expr_stmt(&self, expr: Expr) -> Stmt {
        match expr {
            Expr::Stmt(mut block)
                if self.js_increments
                    && block.len() == 2
                    && block.span().end().is_none()
                    && matches!(block.statements()[0], Stmt::Assignment(ref x)
                        if matches!(x.1.rhs, Expr::IntegerConstant(1, ..)))
                    && matches!(block.statements()[1], Stmt::Expr(..)) =>
            {
                block.statements_mut().swap_remove(0)
            }
            expr => Stmt::Expr(expr.into()),
        }
    }

    /// With `js_keyword_properties`, a keyword after `.`/`?.` is a property name.
    pub(super) fn js_keyword_property(&self, state: &mut ParseState) {
        if !self.js_keyword_properties {
            return;
        }
        if let Some((token, ..)) = state.input.peek_mut() {
            if let Some(name) = keyword_name(token) {
                *token = Token::Identifier(name.into());
            }
        }
    }

    /// With `js_null`, is this `null` or `undefined` (not as a property)?
    #[inline]
    pub(super) fn is_js_null(&self, token: &Token) -> bool {
        self.js_null
            && matches!(token, Token::Identifier(s) | Token::Reserved(s)
                if s.as_str() == "null" || s.as_str() == "undefined")
    }

    /// With `js_syntax_hints`, a syntax error caused by JavaScript-only syntax gets a
    /// message naming the Rhai spelling.
    pub(super) fn js_syntax_hint(&self, err: ParseError, state: &ParseState) -> ParseError {
        if !self.js_syntax_hints {
            return err;
        }
        let recent = std::mem::take(&mut state.tokenizer_control.borrow_mut().recent);
        match hint(&recent, err.1) {
            Some((symbol, pos, msg)) => ParseError(
                ParseErrorType::BadInput(LexError::ImproperSymbol(symbol, msg)).into(),
                pos,
            ),
            // `if (x) stmt;`: Rhai needs the braces.
            None if matches!(&*err.0, ParseErrorType::MissingToken(t, s)
                if t == "{" && s == "to start a statement block") =>
            {
                let msg = "braces are required: write if x { stmt; } for if (x) stmt; (the same for while, for and else)";
                ParseError(
                    ParseErrorType::BadInput(LexError::ImproperSymbol("{".into(), msg.into()))
                        .into(),
                    err.1,
                )
            }
            None => err,
        }
    }
}

/// The symbol to blame (its text and position) and the message, if the tokens around the
/// error at `pos` are JavaScript-only syntax.
fn hint(recent: &[(SmartString, Position)], pos: Position) -> Option<(String, Position, String)> {
    let i = recent.iter().rposition(|(_, p)| *p == pos)?;
    let at = |k: usize| recent.get(k).map_or("", |(s, _)| s.as_str());
    let back = |n: usize| if i >= n { at(i - n) } else { "" };
    let blame = |k: usize| Some((at(k).to_string(), recent[k].1));
    let (cur, prev) = (at(i), back(1));
    let (symbol, msg) = if cur == "=>" {
        (
            blame(i),
            "'=>' is JavaScript: use |x| … for (x) => …, and |x| { … } for (x) => { … }"
                .to_string(),
        )
    } else if prev == "new" || cur == "new" {
        let k = if prev == "new" { i - 1 } else { i };
        let class = Some(at(k + 1))
            .filter(|c| is_valid_identifier(c))
            .unwrap_or("X");
        (
            blame(k),
            format!("'new' is JavaScript: drop 'new': {class}(…)"),
        )
    } else if (prev == "let" || prev == "const") && (cur == "{" || cur == "[") {
        (
            blame(i),
            "destructuring is JavaScript: use let o = …; then o.a (or let a = arr[0])".to_string(),
        )
    } else if (prev == "(" && back(2) == "for") || (back(2) == "(" && back(3) == "for") {
        let k = if prev == "(" { i - 2 } else { i - 3 };
        (blame(k), "this for loop is JavaScript: use for i in 0..n { … } or while; for (x of arr) is for x in arr, for (k in obj) is for k in obj".to_string())
    } else if prev == "class" || cur == "class" {
        let k = if prev == "class" { i - 1 } else { i };
        (
            blame(k),
            "'class' is JavaScript: use an object map #{ field: …, method: |…| … } made by a fn"
                .to_string(),
        )
    } else if prev == "var" || cur == "var" {
        let k = if prev == "var" { i - 1 } else { i };
        (
            blame(k),
            "'var' is JavaScript: use let (or const)".to_string(),
        )
    } else if let Some(k) = (i.saturating_sub(HINT_WINDOW)..=i).rev().find(|&j| {
        at(j) == "function" && (matches!(at(j + 1), "(" | "()") || is_valid_identifier(at(j + 1)))
    }) {
        (
            blame(k),
            "'function' is JavaScript: use fn name(…) { … } or |…| { … }".to_string(),
        )
    } else {
        return None;
    };
    symbol.map(|(s, p)| (s, p, msg))
}
