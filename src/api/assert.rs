//! `require("assert")`: `ok`, `equal`, `notEqual`, `strictEqual`, `notStrictEqual`,
//! `deepStrictEqual`, `notDeepStrictEqual`, `deepEqual`, `notDeepEqual`, `throws`,
//! `rejects`, `ifError`, `fail`, and
//! `AssertionError` maps (`name`, `code: "ERR_ASSERTION"`, `actual`, `expected`,
//! `operator`, `generatedMessage`) with Node 20's messages.
//!
//! ```rhai
//! let assert = require("assert");
//! assert.strictEqual(1 + 1, 2);
//! assert(answer == 42, "wrong answer");   // a global `assert(v, msg?)` as well
//! assert.throws(|| boom(), #{message: "boom"});
//! ```
//!
//! A module value cannot be called in Rhai, so `assert(x)` is a global function of the
//! same name: it works whatever the variable holding the module is called.

use std::rc::Rc;

use rhai::{Dynamic, Engine, EvalAltResult, FnPtr, Map, NativeCallContext};

mod throws;

use crate::runtime::State;
use crate::value::assert_message::{err_diff, expanded, not_equal_message};
use crate::value::{equality, error, inspect};
use throws::{does_not_reject, does_not_throw, rejects, throws};

type Res<T> = Result<T, Box<EvalAltResult>>;

#[derive(Clone)]
pub struct AssertModule(Rc<State>);

pub fn module(st: &Rc<State>) -> Dynamic {
    crate::api::deferred::load::<AssertModule>(st);
    Dynamic::from(AssertModule(st.clone()))
}

fn show(v: &Dynamic) -> String {
    expanded(v, &super::describe, "")
}

/// An `AssertionError` map.
pub fn assertion_error(message: &str, generated: bool, actual: Dynamic, expected: Dynamic, op: &str) -> Map {
    let mut m = error::error("AssertionError", message, None);
    m.insert("stack".into(), format!("AssertionError [ERR_ASSERTION]: {message}").into());
    m.insert("generatedMessage".into(), generated.into());
    m.insert("code".into(), "ERR_ASSERTION".into());
    m.insert("actual".into(), actual);
    m.insert("expected".into(), expected);
    m.insert("operator".into(), if op.is_empty() { Dynamic::UNIT } else { op.into() });
    m
}

/// A user message: an Error map is thrown as it is, anything else is the text.
enum Message {
    Generated,
    Text(String),
    Error(Dynamic),
}

fn message(m: &Dynamic) -> Message {
    if m.is_unit() {
        Message::Generated
    } else if m.read_lock::<Map>().is_some_and(|x| x.contains_key("stack") && x.contains_key("message")) {
        Message::Error(m.clone())
    } else {
        Message::Text(super::to_text(m))
    }
}

fn fail_with(msg: &Dynamic, generated: impl FnOnce() -> String, a: Dynamic, e: Dynamic, op: &str) -> Res<()> {
    let err = match message(msg) {
        Message::Error(v) => return Err(EvalAltResult::ErrorRuntime(v, rhai::Position::NONE).into()),
        Message::Text(t) => assertion_error(&t, false, a, e, op),
        Message::Generated => assertion_error(&generated(), true, a, e, op),
    };
    Err(error::throw(err))
}

/// The text of the call being evaluated (`assert.ok(x > 1)`), as Node quotes it: a
/// call spread over lines keeps its lines, each stripped of the indentation up to the
/// call's column and indented by two.
fn call_text(st: &State, ctx: &NativeCallContext) -> Option<String> {
    let text = st.sources.borrow().get(ctx.call_source()?).cloned()?;
    let pos = ctx.call_position();
    let lines: Vec<Vec<char>> = text.lines().skip(pos.line()?.checked_sub(1)?).map(|l| l.chars().collect()).collect();
    let first = lines.first()?;
    let at = pos.position()?.checked_sub(1)?.min(first.len());
    let mut start = at;
    while start > 0 && (first[start - 1].is_alphanumeric() || matches!(first[start - 1], '_' | '.' | '$')) {
        start -= 1;
    }
    let (mut depth, mut quote, mut opened) = (0, None::<char>, false);
    let mut out: Vec<String> = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        let from = if n == 0 { start } else { 0 };
        for (i, &c) in line.iter().enumerate().skip(if n == 0 { at } else { 0 }) {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'' | '`') if opened => quote = Some(c),
                (None, '(') => {
                    depth += 1;
                    opened = true;
                }
                (None, ')') if opened => {
                    depth -= 1;
                    if depth == 0 {
                        out.push(line[from..=i].iter().collect());
                        return Some(join_lines(out, start));
                    }
                }
                _ => {}
            }
        }
        out.push(line[from..].iter().collect());
    }
    None
}

/// Node's indentation normalising for a call over several lines.
fn join_lines(lines: Vec<String>, column: usize) -> String {
    let mut it = lines.into_iter();
    let mut msg = it.next().unwrap_or_default();
    for line in it {
        let skip = line.chars().take(column).take_while(|c| *c == ' ' || *c == '\t').count();
        msg.push_str("\n  ");
        msg.push_str(&line.chars().skip(skip).collect::<String>());
    }
    msg
}

fn ok(st: &State, ctx: &NativeCallContext, args: &[Dynamic]) -> Res<()> {
    let Some(v) = args.first() else {
        let e = assertion_error("No value argument passed to `assert.ok()`", true, Dynamic::UNIT, true.into(), "==");
        return Err(error::throw(e));
    };
    if equality::truthy(v) {
        return Ok(());
    }
    let msg = args.get(1).cloned().unwrap_or_default();
    let generated = || {
        let code =
            call_text(st, ctx).unwrap_or_else(|| format!("assert.ok({})", inspect::inspect(v, &super::describe)));
        format!("The expression evaluated to a falsy value:\n\n  {code}\n")
    };
    fail_with(&msg, generated, v.clone(), true.into(), "==")
}

// Slices by byte index are safe here: `header_end` is the position of a '\n' (find) or the end.
#[allow(clippy::string_slice)]
fn diff_check(a: Dynamic, e: Dynamic, msg: Dynamic, op: &str, same: bool) -> Res<()> {
    if same {
        return Ok(());
    }
    let (sa, se) = (show(&a), show(&e));
    let text = match message(&msg) {
        Message::Text(t) => {
            let d = err_diff((&a, &sa), (&e, &se), op);
            let header_end = d.find('\n').unwrap_or(d.len());
            return Err(error::throw(assertion_error(&format!("{t}{}", &d[header_end..]), false, a, e, op)));
        }
        Message::Error(_) => return fail_with(&msg, String::new, a, e, op),
        Message::Generated => err_diff((&a, &sa), (&e, &se), op),
    };
    Err(error::throw(assertion_error(&text, true, a, e, op)))
}

fn simple_check(a: Dynamic, e: Dynamic, msg: Dynamic, op: &str, pass: bool) -> Res<()> {
    if pass {
        return Ok(());
    }
    let generated = || match op {
        "notStrictEqual" | "notDeepStrictEqual" => not_equal_message(&a, &show(&a), op),
        _ => format!("{} {op} {}", show(&a), show(&e)),
    };
    let text = generated();
    fail_with(&msg, || text, a.clone(), e.clone(), op)
}

/// `deepEqual` / `notDeepEqual` (loose): Node's two-value message.
fn loose_deep_check(a: Dynamic, e: Dynamic, msg: Dynamic, not: bool) -> Res<()> {
    if equality::loose_deep_equal(&a, &e) != not {
        return Ok(());
    }
    let (sa, se) = (clip(show(&a)), clip(show(&e)));
    let text = if !not {
        format!("Expected values to be loosely deep-equal:\n\n{sa}\n\nshould loosely deep-equal\n\n{se}")
    } else if sa == se {
        format!("Expected \"actual\" not to be loosely deep-equal to:\n\n{sa}")
    } else {
        format!("Expected values not to be loosely deep-equal:\n\n{sa}\n\nshould not loosely deep-equal\n\n{se}")
    };
    fail_with(&msg, || text, a.clone(), e.clone(), if not { "notDeepEqual" } else { "deepEqual" })
}

/// Node cuts an inspected value past 512 characters.
fn clip(s: String) -> String {
    if s.chars().count() > 512 { format!("{}...", s.chars().take(509).collect::<String>()) } else { s }
}

/// `ifError(v)`: throws unless `v` is `()`.
fn if_error(v: Dynamic) -> Res<()> {
    if v.is_unit() {
        return Ok(());
    }
    let what = match v.read_lock::<Map>().and_then(|m| m.get("message").filter(|x| x.is_string()).cloned()) {
        Some(m) if !m.to_string().is_empty() => m.to_string(),
        Some(_) => v.read_lock::<Map>().and_then(|m| m.get("name").map(|n| n.to_string())).unwrap_or_default(),
        None => inspect::inspect(&v, &super::describe),
    };
    let text = format!("ifError got unwanted exception: {what}");
    Err(error::throw(assertion_error(&text, false, v, Dynamic::UNIT, "ifError")))
}

macro_rules! two_or_three {
    ($engine:expr, $name:expr, $check:expr) => {{
        $engine.register_fn($name, |_: &mut AssertModule, a: Dynamic, e: Dynamic| $check(a, e, Dynamic::UNIT));
        $engine.register_fn($name, |_: &mut AssertModule, a: Dynamic, e: Dynamic, m: Dynamic| $check(a, e, m));
    }};
}

/// `assert(v[, msg])` now (a plain function every script has); the module's methods at
/// the first `require("assert")` (`api::deferred`: only the module object leads to them).
pub fn register(engine: &mut Engine, st: &Rc<State>) {
    let s = st.clone();
    engine.register_fn("assert", move |ctx: NativeCallContext, v: Dynamic| ok(&s, &ctx, &[v]));
    let s = st.clone();
    engine.register_fn("assert", move |ctx: NativeCallContext, v: Dynamic, msg: Dynamic| ok(&s, &ctx, &[v, msg]));
    crate::api::deferred::defer::<AssertModule>(st, register_now);
}

fn register_now(engine: &mut Engine, _: &Rc<State>) {
    engine.register_type_with_name::<AssertModule>("AssertModule");
    engine.register_fn("ok", |ctx: NativeCallContext, m: &mut AssertModule| ok(&m.0, &ctx, &[]));
    engine.register_fn("ok", |ctx: NativeCallContext, m: &mut AssertModule, v: Dynamic| ok(&m.0, &ctx, &[v]));
    engine.register_fn("ok", |ctx: NativeCallContext, m: &mut AssertModule, v: Dynamic, msg: Dynamic| {
        ok(&m.0, &ctx, &[v, msg])
    });
    two_or_three!(engine, "equal", |a, e, m| {
        let pass = equality::loose_equal(&a, &e);
        simple_check(a, e, m, "==", pass)
    });
    two_or_three!(engine, "notEqual", |a, e, m| {
        let pass = !equality::loose_equal(&a, &e);
        simple_check(a, e, m, "!=", pass)
    });
    two_or_three!(engine, "strictEqual", |a, e, m| {
        let same = equality::strict_equal(&a, &e);
        diff_check(a, e, m, "strictEqual", same)
    });
    two_or_three!(engine, "deepStrictEqual", |a, e, m| {
        let same = equality::deep_strict_equal(&a, &e);
        diff_check(a, e, m, "deepStrictEqual", same)
    });
    two_or_three!(engine, "notStrictEqual", |a, e, m| {
        let pass = !equality::strict_equal(&a, &e);
        simple_check(a, e, m, "notStrictEqual", pass)
    });
    two_or_three!(engine, "notDeepStrictEqual", |a, e, m| {
        let pass = !equality::deep_strict_equal(&a, &e);
        simple_check(a, e, m, "notDeepStrictEqual", pass)
    });
    two_or_three!(engine, "deepEqual", |a, e, m| loose_deep_check(a, e, m, false));
    two_or_three!(engine, "notDeepEqual", |a, e, m| loose_deep_check(a, e, m, true));
    engine.register_fn("doesNotThrow", |ctx: NativeCallContext, _: &mut AssertModule, f: FnPtr| {
        does_not_throw(&ctx, f, ().into())
    });
    engine.register_fn("doesNotThrow", |ctx: NativeCallContext, _: &mut AssertModule, f: FnPtr, m: Dynamic| {
        does_not_throw(&ctx, f, m)
    });
    engine.register_fn("doesNotReject", |ctx: NativeCallContext, m: &mut AssertModule, p: Dynamic| {
        does_not_reject(&ctx, &m.0, p, ().into())
    });
    engine.register_fn("doesNotReject", |ctx: NativeCallContext, m: &mut AssertModule, p: Dynamic, msg: Dynamic| {
        does_not_reject(&ctx, &m.0, p, msg)
    });
    engine.register_fn("ifError", |_: &mut AssertModule, v: Dynamic| if_error(v));
    engine.register_fn("fail", |_: &mut AssertModule| -> Res<()> {
        Err(error::throw(assertion_error("Failed", true, ().into(), ().into(), "fail")))
    });
    engine.register_fn("fail", |_: &mut AssertModule, msg: Dynamic| {
        fail_with(&msg, || "Failed".into(), ().into(), ().into(), "fail")
    });
    engine.register_fn("throws", |ctx: NativeCallContext, _: &mut AssertModule, f: FnPtr| {
        throws(&ctx, f, ().into(), ().into())
    });
    engine.register_fn("throws", |ctx: NativeCallContext, _: &mut AssertModule, f: FnPtr, e: Dynamic| {
        throws(&ctx, f, e, ().into())
    });
    engine.register_fn("throws", |ctx: NativeCallContext, _: &mut AssertModule, f: FnPtr, e: Dynamic, m: Dynamic| {
        throws(&ctx, f, e, m)
    });
    engine.register_fn("rejects", |ctx: NativeCallContext, m: &mut AssertModule, p: Dynamic| {
        rejects(&ctx, &m.0, p, ().into(), ().into())
    });
    engine.register_fn("rejects", |ctx: NativeCallContext, m: &mut AssertModule, p: Dynamic, e: Dynamic| {
        rejects(&ctx, &m.0, p, e, ().into())
    });
    engine.register_fn(
        "rejects",
        |ctx: NativeCallContext, m: &mut AssertModule, p: Dynamic, e: Dynamic, msg: Dynamic| {
            rejects(&ctx, &m.0, p, e, msg)
        },
    );
    engine.register_fn("AssertionError", |_: &mut AssertModule, o: Map| {
        let get = |k: &str| o.get(k).cloned().unwrap_or_default();
        let op = get("operator");
        let op = if op.is_unit() { String::new() } else { op.to_string() };
        let msg = get("message");
        let generated = msg.is_unit();
        let text = if generated {
            format!("{} {op} {}", show(&get("actual")), show(&get("expected")))
        } else {
            msg.to_string()
        };
        assertion_error(&text, generated, get("actual"), get("expected"), &op)
    });
}
