//! Is the input complete? Enter on an open brace, bracket, call or backtick string
//! asks for another line (the `... ` prompt) instead of reporting a syntax error.
//!
//! The parser decides, with the runtime's own engine so the reserved-word remap is
//! the same: the input is incomplete when the error is "unexpected end of input", or
//! any error reported at the very end of the input (a missing `}` or `]`), or an
//! unterminated string that may go on (a backtick string, or a `\` line
//! continuation). Rhai accepts an unterminated `/*` comment, so those are counted.

use rhai::{Engine, LexError, ParseErrorType, Position};

/// True when `text` is the beginning of a valid input rather than an error.
pub fn incomplete(engine: &Engine, text: &str) -> bool {
    if open_comment(text) {
        return true;
    }
    let Err(e) = engine.compile(text) else { return false };
    match &*e.0 {
        ParseErrorType::UnexpectedEOF => true,
        ParseErrorType::BadInput(LexError::UnterminatedString) => string_goes_on(text, e.1),
        _ => e.1 == end_of(text),
    }
}

/// The position Rhai gives to the end of `text`.
fn end_of(text: &str) -> Position {
    let line = text.matches('\n').count() + 1;
    let last = text.rsplit('\n').next().unwrap_or("");
    Position::new(line as u16, last.chars().count() as u16 + 1)
}

/// A backtick string may span lines; a `"…"` string only with a trailing `\`.
/// Node, like JavaScript, reports `"abc` followed by Enter as an error.
fn string_goes_on(text: &str, at: Position) -> bool {
    if text.ends_with('\\') {
        return true;
    }
    let (Some(line), Some(col)) = (at.line(), at.position()) else { return false };
    let opener = text.lines().nth(line - 1).and_then(|l| l.chars().nth(col.saturating_sub(1)));
    opener == Some('`')
}

/// More `/*` than `*/` outside strings and line comments (Rhai block comments nest).
fn open_comment(text: &str) -> bool {
    let mut depth = 0i32;
    let mut chars = text.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            match c {
                '\\' => {
                    chars.next();
                }
                c if c == q => quote = None,
                _ => {}
            }
            continue;
        }
        match (c, chars.peek()) {
            ('/', Some('*')) => {
                chars.next();
                depth += 1;
            }
            ('*', Some('/')) if depth > 0 => {
                chars.next();
                depth -= 1;
            }
            ('/', Some('/')) if depth == 0 => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            ('"' | '`' | '\'', _) if depth == 0 => quote = Some(c),
            _ => {}
        }
    }
    depth > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> Engine {
        let mut e = Engine::new_raw();
        crate::runtime::syntax::install(&mut e);
        e
    }

    #[test]
    fn open_constructs_ask_for_more() {
        let e = engine();
        for text in [
            "fn add(a, b) {",
            "fn add(a, b) {\n  a + b",
            "foo(1,",
            "let x = 1 +",
            "let y = (",
            "[1, 2,",
            "#{a: 1,",
            "if x {",
            "let s = `abc",
            "let s = \"abc\\",
            "/* a comment",
            "cp.spawn(\"ls\",",
            "p.catch(|e| {",
            "let x = ok ?",
            "let x = ok ? 1 :",
            "let s = 'abc' +",
            "#{debug: true,",
        ] {
            assert!(incomplete(&e, text), "{text:?} should be incomplete");
        }
    }

    #[test]
    fn complete_input_and_real_errors_are_not_incomplete() {
        let e = engine();
        for text in [
            "1 + 2",
            "fn add(a, b) {\n  a + b\n}",
            "let x = )",
            "let x = 1 1",
            "let s = \"abc",
            "/* done */ 1",
            "let s = \"/*\"; 1",
            "// just a comment /*",
            "}",
            "let f = (x) =>",
            "function f() {",
            "let e = new Error(",
            "let s = 'abc",
        ] {
            assert!(!incomplete(&e, text), "{text:?} should not be incomplete");
        }
    }
}
