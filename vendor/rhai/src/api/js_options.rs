//! procbox: options that let the [`Engine`] accept JavaScript spellings and meanings.
//!
//! Each option is off by default (stock Rhai); procbox switches them on. They cost a
//! branch on a `bool` at most, and only where stock Rhai would raise an error.

use crate::Engine;
#[cfg(feature = "no_std")]
use std::prelude::v1::*;

impl Engine {
    /// Conditions (`if`, `while`, `do`, switch guards), `!`, `&&` and `||` accept any value
    /// with JavaScript truthiness: `()`, `false`, `0`, `0.0`, NaN and `""` are false,
    /// everything else true. `a || b` and `a && b` return the deciding operand, as in
    /// JavaScript (with two booleans that is the usual boolean).
    #[inline(always)]
    pub fn set_js_truthiness(&mut self, enable: bool) -> &mut Self {
        self.js_truthiness = enable;
        self
    }
    /// Is JavaScript truthiness on?
    #[inline(always)]
    #[must_use]
    pub const fn js_truthiness(&self) -> bool {
        self.js_truthiness
    }
    /// `cond ? a : b` is an expression (`?.`, `??` and `?[` keep their meaning).
    #[inline(always)]
    pub fn set_js_ternary(&mut self, enable: bool) -> &mut Self {
        self.js_ternary = enable;
        self
    }
    /// Is the ternary operator on?
    #[inline(always)]
    #[must_use]
    pub const fn js_ternary(&self) -> bool {
        self.js_ternary
    }
    /// `'…'` is a string (one character or many) and strings accept JavaScript's escapes
    /// (`\0`, `\b`, `\f`, `\v`, `\u{…}`, `\'`, and any other escaped character is itself);
    /// template literals (back-ticks) have escapes too.
    #[inline(always)]
    pub fn set_js_strings(&mut self, enable: bool) -> &mut Self {
        self.js_strings = enable;
        self
    }
    /// Are JavaScript strings on?
    #[inline(always)]
    #[must_use]
    pub const fn js_strings(&self) -> bool {
        self.js_strings
    }
    /// `x++`, `x--`, `++x` and `--x` on variables, properties and indexed items, with
    /// JavaScript's value (the old value for the postfix forms, the new one for prefix).
    #[inline(always)]
    pub fn set_js_increments(&mut self, enable: bool) -> &mut Self {
        self.js_increments = enable;
        self
    }
    /// Are increment operators on?
    #[inline(always)]
    #[must_use]
    pub const fn js_increments(&self) -> bool {
        self.js_increments
    }
    /// Keywords and reserved words are plain names after `.`/`?.` and as object map keys:
    /// `o.print`, `o.fn`, `#{debug: true}`.
    #[inline(always)]
    pub fn set_js_keyword_properties(&mut self, enable: bool) -> &mut Self {
        self.js_keyword_properties = enable;
        self
    }
    /// Are keywords allowed as property names?
    #[inline(always)]
    #[must_use]
    pub const fn js_keyword_properties(&self) -> bool {
        self.js_keyword_properties
    }
    /// `null` and `undefined` are spellings of `()`.
    #[inline(always)]
    pub fn set_js_null(&mut self, enable: bool) -> &mut Self {
        self.js_null = enable;
        self
    }
    /// Are `null` and `undefined` on?
    #[inline(always)]
    #[must_use]
    pub const fn js_null(&self) -> bool {
        self.js_null
    }
    /// A syntax error caused by JavaScript-only syntax (`=>`, `function`, `new X()`,
    /// C-style `for`, destructuring, `class`, `var`, a block without braces) says what to
    /// write instead.
    #[inline(always)]
    pub fn set_js_syntax_hints(&mut self, enable: bool) -> &mut Self {
        self.js_syntax_hints = enable;
        self
    }
    /// Are JavaScript syntax hints on?
    #[inline(always)]
    #[must_use]
    pub const fn js_syntax_hints(&self) -> bool {
        self.js_syntax_hints
    }
}
