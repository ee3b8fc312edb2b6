//! Node's names that Rhai reserves, turned back into identifiers while parsing.
//!
//! `spawn`, `new`, `default`… are reserved words in Rhai, so `cp.spawn(…)` would not
//! parse; `catch` is a keyword, so `p.catch(…)` would not either. The remap makes the
//! reserved words plain identifiers everywhere, and `catch` only right after `.` or
//! `?.`, so `try { } catch (e) { }` keeps working. The REPL's validator uses the same
//! function.
//!
//! [`install`] also switches on the vendored Rhai's JavaScript options (truthiness,
//! `? :`, `'…'` strings, `++`/`--`, keywords as property names, `null`/`undefined`,
//! syntax errors naming the Rhai spelling; see vendor/README.md) and lets `for k in map`
//! iterate the map's keys.

use std::cell::Cell;

use std::any::TypeId;

use rhai::{Dynamic, Engine, Map, Module, Position, Token};

/// Reserved words that Node's surface uses as names.
const FREED: &[&str] = &[
    "spawn",
    "new",
    "default",
    "with",
    "match",
    "static",
    "module",
    "is",
    "use",
    "case",
    "sync",
    "shared",
    "thread",
    "yield",
    "package",
    "public",
    "protected",
    "super",
    "void",
    "nil",
    "var",
];

// The tokenizer's state between two tokens (Rhai's token mapper gets no `State`):
// the runtime's own, not per-area state, so not a slot.
thread_local! {
    static AFTER_DOT: Cell<bool> = const { Cell::new(false) };
}

/// Maps one token; `after_dot` says whether the previous token was `.` or `?.`.
pub fn remap(token: Token, after_dot: bool) -> Token {
    match token {
        Token::Reserved(s) if FREED.contains(&s.as_str()) => Token::Identifier(s),
        Token::Catch if after_dot => Token::Identifier(Box::new("catch".into())),
        t => t,
    }
}

#[allow(deprecated)]
pub fn install(engine: &mut Engine) {
    engine
        .set_js_truthiness(true)
        .set_js_ternary(true)
        .set_js_strings(true)
        .set_js_increments(true)
        .set_js_keyword_properties(true)
        .set_js_null(true)
        .set_js_syntax_hints(true);
    engine.register_global_module(map_keys().into());
    engine.on_parse_token(|token, _pos: Position, _state| {
        let prev_dot = AFTER_DOT.with(|d| d.replace(matches!(token, Token::Period | Token::Elvis)));
        remap(token, prev_dot)
    });
}

/// `for k in map` iterates the keys, as JavaScript's `for (k in obj)` does.
fn map_keys() -> Module {
    let mut m = Module::new();
    m.set_iter(TypeId::of::<Map>(), |v: Dynamic| {
        let keys: Vec<Dynamic> = v.cast::<Map>().into_keys().map(|k| Dynamic::from(k.to_string())).collect();
        Box::new(keys.into_iter())
    });
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> Engine {
        let mut e = Engine::new();
        install(&mut e);
        e.register_fn("spawn", |x: i64| x + 1);
        e.register_fn("catch", |x: i64, y: i64| x * y);
        e
    }

    #[test]
    fn spawn_and_method_catch_parse() {
        let e = engine();
        assert_eq!(e.eval::<i64>("spawn(1)").unwrap(), 2);
        assert_eq!(e.eval::<i64>("let p = 3; p.catch(4)").unwrap(), 12);
        assert_eq!(e.eval::<i64>("let m = #{}; m.default = 5; m.default").unwrap(), 5);
    }

    #[test]
    fn try_catch_still_works() {
        let e = engine();
        let v = e.eval::<i64>("let r = 0; try { throw 1; } catch (x) { r = x + 1; } r").unwrap();
        assert_eq!(v, 2);
    }
}
