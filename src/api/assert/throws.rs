//! `assert.throws` and `assert.rejects`: run the function (or wait for the promise)
//! and check what was thrown against `expected`: a map of properties (Node's
//! `Comparison {…}` diff on a mismatch) or a validation function.

use std::rc::Rc;

use rhai::{Dynamic, EvalAltResult, FnPtr, Map, NativeCallContext};

use super::assertion_error;
use crate::runtime::State;
use crate::runtime::promise::{Handler, Promise};
use crate::value::assert_message::{err_diff, expanded};
use crate::value::{equality, error, inspect};

type Res<T> = Result<T, Box<EvalAltResult>>;

fn error_text(err: &Dynamic) -> String {
    match err.read_lock::<Map>() {
        Some(m) if m.contains_key("message") => {
            let name = m.get("name").map(|n| n.to_string()).unwrap_or_else(|| "Error".into());
            format!("{name}: {}", m.get("message").map(|n| n.to_string()).unwrap_or_default())
        }
        _ => inspect::inspect(err, &crate::api::describe),
    }
}

/// Checks a caught error against `expected` (a map of properties, or a validation
/// function); `Ok(None)` when it matches, else the AssertionError to throw.
fn validate(ctx: &NativeCallContext, err: &Dynamic, expected: &Dynamic, op: &str) -> Res<Option<Map>> {
    if let Some(f) = expected.clone().try_cast::<FnPtr>() {
        let r = f.call_raw(ctx, None, [err.clone()])?;
        if r.as_bool() == Ok(true) {
            return Ok(None);
        }
        let text = format!(
            "The validation function is expected to return \"true\". Received {}\n\nCaught error:\n\n{}",
            inspect::inspect(&r, &crate::api::describe),
            error_text(err)
        );
        return Ok(Some(assertion_error(&text, true, err.clone(), Dynamic::UNIT, op)));
    }
    let Some(want) = expected.read_lock::<Map>().map(|m| m.clone()) else { return Ok(None) };
    let got = err.read_lock::<Map>().map(|m| m.clone()).unwrap_or_default();
    if want.iter().all(|(k, v)| got.get(k).is_some_and(|g| equality::deep_strict_equal(g, v))) {
        return Ok(None);
    }
    let compared: Map = want.keys().map(|k| (k.clone(), got.get(k).cloned().unwrap_or_default())).collect();
    let (a, e) = (Dynamic::from(compared), Dynamic::from(want));
    let text = err_diff(
        (&a, &expanded(&a, &crate::api::describe, "Comparison ")),
        (&e, &expanded(&e, &crate::api::describe, "Comparison ")),
        "deepStrictEqual",
    );
    Ok(Some(assertion_error(&text, true, err.clone(), e, op)))
}

/// `throws(f, expected?, message?)`: a string second argument is the message.
pub(super) fn throws(ctx: &NativeCallContext, f: FnPtr, expected: Dynamic, msg: Dynamic) -> Res<()> {
    let (expected, msg) = if expected.is_string() { (Dynamic::UNIT, expected) } else { (expected, msg) };
    match f.call_raw(ctx, None, []) {
        Ok(_) => {
            let tail = if msg.is_unit() { ".".to_string() } else { format!(": {}", crate::api::to_text(&msg)) };
            let e = assertion_error(&format!("Missing expected exception{tail}"), false, ().into(), expected, "throws");
            Err(error::throw(e))
        }
        Err(e) if matches!(*e, EvalAltResult::ErrorTerminated(..)) => Err(e),
        Err(e) => match validate(ctx, &error::to_value(&e), &expected, "throws")? {
            None => Ok(()),
            Some(m) => Err(error::throw(m)),
        },
    }
}

/// `rejects(promise | f, expected?, message?)`: a promise fulfilled with `()` when the
/// input rejects as expected.
pub(super) fn rejects(
    ctx: &NativeCallContext,
    st: &Rc<State>,
    input: Dynamic,
    expected: Dynamic,
    msg: Dynamic,
) -> Res<Promise> {
    let (expected, msg) = if expected.is_string() { (Dynamic::UNIT, expected) } else { (expected, msg) };
    let input = match input.clone().try_cast::<FnPtr>() {
        Some(f) => match f.call_raw(ctx, None, []) {
            Ok(v) => v,
            Err(e) => return Ok(Promise::rejected(&st.micro, error::to_value(&e))),
        },
        None => input,
    };
    let Some(p) = input.clone().try_cast::<Promise>() else {
        let text = format!(
            "The \"promiseFn\" argument must be of type function or an instance of Promise. {}",
            crate::api::util::received(&input)
        );
        return Ok(Promise::rejected(&st.micro, error::coded("TypeError", "ERR_INVALID_ARG_TYPE", &text).into()));
    };
    let fulfilled = Handler::Native(Rc::new(move |_, _, _| {
        let tail = if msg.is_unit() { ".".to_string() } else { format!(": {}", crate::api::to_text(&msg)) };
        let e = assertion_error(&format!("Missing expected rejection{tail}"), false, ().into(), ().into(), "rejects");
        Err(error::throw(e))
    }));
    let ctx_store = crate::runtime::callback::Callback::new(ctx, FnPtr::new("rejects")?);
    let rejected = Handler::Native(Rc::new(move |engine, _, err| {
        let expected = expected.clone();
        let check = ctx_store.with_fn(
            #[allow(deprecated)]
            FnPtr::from_fn("validate", move |ctx, args| {
                let err = args.first().map(|a| (**a).clone()).unwrap_or_default();
                match validate(&ctx, &err, &expected, "rejects")? {
                    None => Ok(Dynamic::UNIT),
                    Some(m) => Err(error::throw(m)),
                }
            })?,
        );
        check.call(engine, vec![err])
    }));
    Ok(p.then(&st.micro, fulfilled, rejected))
}

/// Node's message for an unwanted exception or rejection.
fn unwanted(kind: &str, err: &Dynamic, msg: &Dynamic, op: &str) -> Map {
    let tail = if msg.is_unit() { ".".to_string() } else { format!(": {}", crate::api::to_text(msg)) };
    let actual = match err.read_lock::<Map>().and_then(|m| m.get("message").cloned()) {
        Some(m) => m.to_string(),
        None => crate::api::to_text(err),
    };
    let text = format!("Got unwanted {kind}{tail}\nActual message: \"{actual}\"");
    assertion_error(&text, false, err.clone(), Dynamic::UNIT, op)
}

/// `doesNotThrow(f, msg?)`.
pub(super) fn does_not_throw(ctx: &NativeCallContext, f: FnPtr, msg: Dynamic) -> Res<()> {
    match f.call_raw(ctx, None, []) {
        Ok(_) => Ok(()),
        Err(e) if matches!(*e, EvalAltResult::ErrorTerminated(..)) => Err(e),
        Err(e) => Err(error::throw(unwanted("exception", &error::to_value(&e), &msg, "doesNotThrow"))),
    }
}

/// `doesNotReject(promise | f, msg?)`: a promise fulfilled with `()` when the input
/// fulfils.
pub(super) fn does_not_reject(ctx: &NativeCallContext, st: &Rc<State>, input: Dynamic, msg: Dynamic) -> Res<Promise> {
    let input = match input.clone().try_cast::<FnPtr>() {
        Some(f) => match f.call_raw(ctx, None, []) {
            Ok(v) => v,
            Err(e) => return Ok(Promise::rejected(&st.micro, error::to_value(&e))),
        },
        None => input,
    };
    let p = Promise::resolved(&st.micro, input);
    let ok = Handler::Native(Rc::new(|_, _, _| Ok(Dynamic::UNIT)));
    let fail = Handler::Native(Rc::new(move |_, _, err| {
        Err(error::throw(unwanted("rejection", &err, &msg, "doesNotReject")))
    }));
    Ok(p.then(&st.micro, ok, fail))
}
