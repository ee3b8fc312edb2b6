//! The vendored Rhai's JavaScript options (`Engine::set_js_…`), each with the option off
//! (stock Rhai: the error or the old meaning) and on (JavaScript's meaning).

use rhai::{Dynamic, Engine, EvalAltResult};

fn stock() -> Engine {
    Engine::new()
}

fn with(f: impl Fn(&mut Engine) -> &mut Engine) -> Engine {
    let mut e = Engine::new();
    f(&mut e);
    e
}

fn eval(e: &Engine, src: &str) -> Result<Dynamic, Box<EvalAltResult>> {
    e.eval::<Dynamic>(src)
}

fn text(e: &Engine, src: &str) -> String {
    eval(e, src).unwrap_or_else(|err| panic!("{src}: {err}")).to_string()
}

fn parse_error(e: &Engine, src: &str) -> String {
    match e.compile(src) {
        Err(err) => err.0.to_string(),
        Ok(_) => panic!("{src} should not compile"),
    }
}

#[test]
fn truthiness_off_is_stock() {
    let e = stock();
    assert!(!e.js_truthiness());
    assert!(parse_error(&e, "if 1 { 2 }").contains("boolean"));
    assert!(eval(&e, "let x = 1; if x { 2 }").is_err());
    assert!(eval(&e, "let x = (); x || 1").is_err());
    assert!(eval(&e, "let x = 0; !x").is_err());
    assert_eq!(text(&e, "let a = true; let b = false; a && !b"), "true");
}

#[test]
fn truthiness_on_conditions() {
    let e = with(|e| e.set_js_truthiness(true));
    for (src, want) in [
        ("if 1 { \"t\" } else { \"f\" }", "t"),
        ("let x = 0; if x { \"t\" } else { \"f\" }", "f"),
        ("let x = 0.0; if x { \"t\" } else { \"f\" }", "f"),
        ("let x = \"\"; if x { \"t\" } else { \"f\" }", "f"),
        ("let x = (); if x { \"t\" } else { \"f\" }", "f"),
        ("let x = \"a\"; if x { \"t\" } else { \"f\" }", "t"),
        ("let x = []; if x { \"t\" } else { \"f\" }", "t"),
        ("let x = #{}; if x { \"t\" } else { \"f\" }", "t"),
        ("let x = 0.0 / 0.0; if x { \"t\" } else { \"f\" }", "f"),
        ("let q = [1, 2, 3]; let n = 0; while q.len() { q.pop(); n += 1; } n", "3"),
        ("let n = 3; do { n -= 1; } while n; n", "0"),
        ("let n = 0; do { n += 1; } until n; n", "1"),
    ] {
        assert_eq!(text(&e, src), want, "{src}");
    }
}

#[test]
fn truthiness_on_not_and_or() {
    let e = with(|e| e.set_js_truthiness(true));
    for (src, want) in [
        ("let x = (); !x", "true"),
        ("let x = 5; !x", "false"),
        ("let x = \"\"; !x", "true"),
        ("let x = (); x || \"ignore\"", "ignore"),
        ("let x = \"pipe\"; x || \"ignore\"", "pipe"),
        ("let x = 0; x && 5", "0"),
        ("let x = 1; x && \"y\"", "y"),
        ("let a = 0; let b = \"\"; a || b", ""),
        ("let a = 1; let b = 2; let c = 3; a && b && c", "3"),
        ("let a = 0; let b = (); let c = 3; a || b || c", "3"),
        ("let t = true; let f = false; t && f", "false"),
        ("let t = true; let f = false; t || f", "true"),
    ] {
        assert_eq!(text(&e, src), want, "{src}");
    }
    // Two booleans give a plain bool; short-circuit skips the right side.
    assert!(eval(&e, "let t = true; let f = false; t && f").unwrap().is_bool());
    assert_eq!(text(&e, "let n = 0; let x = 1; x || { n += 1; n }; n"), "0");
    assert_eq!(text(&e, "let n = 0; let x = 0; x && { n += 1; n }; n"), "0");
}

#[test]
fn ternary_off_and_on() {
    assert!(parse_error(&stock(), "let x = true ? 1 : 2;").contains('?'));
    let e = with(|e| e.set_js_ternary(true));
    assert_eq!(text(&e, "let a = 5; a > 3 ? \"big\" : \"small\""), "big");
    assert_eq!(text(&e, "let a = 1; a > 0 ? \"pos\" : a < 0 ? \"neg\" : \"zero\""), "pos");
    assert_eq!(text(&e, "let a = 0; a > 0 ? \"pos\" : a < 0 ? \"neg\" : \"zero\""), "zero");
    assert_eq!(text(&e, "let m = #{v: true ? 1 : 2}; m.v"), "1");
    assert_eq!(text(&e, "let m = #{x: ()}; m?.x ?? \"d\""), "d");
    assert_eq!(text(&e, "let a = [7]; a?[0]"), "7");
    assert_eq!(text(&e, "let n = 0; let f = false; f ? { n = 1 } : { n = 2 }; n"), "2");
    // Without truthiness the condition must be a bool, as for `if`.
    assert!(eval(&e, "let x = 1; x ? 1 : 2").is_err());
    let both = with(|e| e.set_js_ternary(true).set_js_truthiness(true));
    assert_eq!(text(&both, "let x = \"\"; x ? \"yes\" : \"no\""), "no");
    assert!(parse_error(&both, "let x = true ? 1;").contains(':'));
}

#[test]
fn strings_off_and_on() {
    let e = stock();
    assert!(parse_error(&e, "let s = 'ab';").contains("ab"));
    assert_eq!(eval(&e, "'a'").unwrap().type_name(), "char");
    assert!(parse_error(&e, r#"let s = "\q";"#).contains("\\q"));
    assert_eq!(text(&e, r"`a\tb`"), "a\\tb");

    let e = with(|e| e.set_js_strings(true));
    assert_eq!(text(&e, "'child_process'"), "child_process");
    assert_eq!(eval(&e, "'a'").unwrap().type_name(), "string");
    assert_eq!(text(&e, "''.len()"), "0");
    assert_eq!(text(&e, r#"'it\'s "x"'"#), "it's \"x\"");
    assert_eq!(text(&e, r"'\x41\u0042\u{43}\u{1F600}'"), "ABC\u{1F600}");
    assert_eq!(text(&e, r"'a\0b\bc\fd\ve'"), "a\0b\u{8}c\u{c}d\u{b}e");
    assert_eq!(text(&e, r#""\q\'""#), "q'");
    assert_eq!(text(&e, "'a' == \"a\""), "true");
    assert_eq!(text(&e, "\"abc\"[0] == 'a'"), "true");
    assert_eq!(text(&e, "'a' != \"b\""), "true");
    // Template literals: escapes as in JavaScript, still multi-line.
    assert_eq!(text(&e, r"let x = 1; `a\tb ${x}\n\`q\``"), "a\tb 1\n`q`");
    assert_eq!(text(&e, "`two\nlines \\\njoined`"), "two\nlines joined");
}

#[test]
fn increments_off_and_on() {
    assert!(parse_error(&stock(), "let x = 1; x++;").contains("++"));
    let e = with(|e| e.set_js_increments(true));
    assert_eq!(text(&e, "let x = 1; x++; x"), "2");
    assert_eq!(text(&e, "let x = 1; x--; x"), "0");
    assert_eq!(text(&e, "let x = 1; let y = x++; [x, y]"), "[2, 1]");
    assert_eq!(text(&e, "let x = 1; let y = ++x; [x, y]"), "[2, 2]");
    assert_eq!(text(&e, "let x = 1; let y = x--; [x, y]"), "[0, 1]");
    assert_eq!(text(&e, "let x = 1; let y = --x; [x, y]"), "[0, 0]");
    assert_eq!(text(&e, "let x = 1.5; let y = x++; [x, y]"), "[2.5, 1.5]");
    assert_eq!(text(&e, "let o = #{n: 1}; let y = o.n++; [o.n, y]"), "[2, 1]");
    assert_eq!(text(&e, "let a = [5]; ++a[0]; a"), "[6]");
    assert_eq!(text(&e, "let x = 1; let f = || x++; f.call(); f.call(); x"), "3");
    assert_eq!(text(&e, "let x = 1; -x++"), "-1");
    assert!(parse_error(&e, "5++;").contains("constant") || parse_error(&e, "5++;").contains("assign"));
    assert!(parse_error(&e, "const c = 1; c++;").contains('c'));
}

#[test]
fn keyword_properties_off_and_on() {
    let e = stock();
    assert!(parse_error(&e, "#{debug: true}").contains("debug"));
    assert!(parse_error(&e, "let o = #{}; o.print").contains("print"));
    assert!(parse_error(&e, "let o = #{}; o.fn").contains("property"));

    let e = with(|e| e.set_js_keyword_properties(true));
    assert_eq!(text(&e, "let o = #{debug: true, fn: 1, this: 2, if: 3, null: 4}; o.debug"), "true");
    assert_eq!(
        text(&e, "let o = #{}; o.print = 1; o.fn = 2; o.this = 3; o.async = 4; o.type = 5; o.let = 6; o"),
        r#"#{"async": 4, "fn": 2, "let": 6, "print": 1, "this": 3, "type": 5}"#
    );
    assert_eq!(text(&e, "let o = #{if: 1}; o?.if"), "1");
    // Keywords keep their meaning elsewhere.
    assert_eq!(text(&e, "let x = 1; if x > 0 { true } else { false }"), "true");
    assert!(parse_error(&e, "#{debug: 1, debug: 2}").contains("debug"));
}

#[test]
fn null_off_and_on() {
    assert!(parse_error(&stock(), "let x = null;").contains("null"));
    assert!(eval(&stock(), "undefined").is_err());
    let e = with(|e| e.set_js_null(true).set_js_keyword_properties(true));
    assert!(eval(&e, "null").unwrap().is_unit());
    assert!(eval(&e, "undefined").unwrap().is_unit());
    assert_eq!(text(&e, "let x = null; x == undefined"), "true");
    assert_eq!(text(&e, "let x = 5; x == null"), "false");
    assert_eq!(text(&e, "let o = #{null: 1, undefined: 2}; o.null + o.undefined"), "3");
}

#[test]
fn syntax_hints_off_and_on() {
    let cases = [
        ("let f = (x) => x + 1;", "|x|"),
        ("let f = x => x + 1;", "|x|"),
        ("function foo(a) { return a; }", "fn name"),
        ("let f = function(a) { a };", "fn name"),
        ("f(function() { 1 });", "fn name"),
        ("let e = new Error(\"x\");", "drop 'new': Error(…)"),
        ("for (let i = 0; i < 3; i++) { }", "for i in 0..n"),
        ("for (const x of arr) { }", "for x in arr"),
        ("let {a, b} = o;", "destructuring"),
        ("let [a, b] = o;", "destructuring"),
        ("class Foo { }", "'class'"),
        ("let x = 1; if (x) return;", "braces are required"),
    ];
    for (src, _) in cases {
        let msg = parse_error(&stock(), src);
        assert!(!msg.contains("is JavaScript"), "{src}: {msg}");
    }
    let e = with(|e| e.set_js_syntax_hints(true));
    for (src, want) in cases {
        let msg = parse_error(&e, src);
        assert!(msg.contains(want), "{src}: {msg}");
    }
    // Other errors keep their message.
    assert_eq!(parse_error(&e, "let x = (1 + ;"), parse_error(&stock(), "let x = (1 + ;"));
}
