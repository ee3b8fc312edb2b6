//! `require("util")`: `format`, `inspect` (the one `console.log` uses), `promisify`
//! (with Node's special case for `exec`/`execFile`), `promisify.custom`,
//! `callbackify`, `isDeepStrictEqual` and `types.isPromise`.
//!
//! ```rhai
//! let util = require("util");
//! let cp = require("child_process");
//! let run = util.promisify(cp.exec);
//! run.call("echo hi").then(|r| console.log("out:", r.stdout));
//! print(util.format("%s=%d", "x", 42));            // x=42
//! print(util.isDeepStrictEqual(#{a: [1]}, #{a: [1]})); // true
//! ```
//!
//! A promisified function is a function value: call it with `f.call(args…)` (or
//! `f(args…)` where the engine allows calling a variable).

use std::rc::Rc;

use rhai::{Dynamic, Engine, EvalAltResult, FnPtr, Map};

use crate::api::child_process::ChildProcessModule;
use crate::runtime::callback::Callback;
use crate::runtime::promise::{Handler, Promise};
use crate::runtime::{State, Task};
use crate::value::{equality, error, inspect};

type Res<T> = Result<T, Box<EvalAltResult>>;

/// The key of a custom promisified form (Node's `util.promisify.custom` symbol).
pub const CUSTOM: &str = "nodejs.util.promisify.custom";

/// What `require("util")` returns.
#[derive(Clone)]
pub struct UtilModule(Rc<State>);

/// `util.promisify` used as a value: only `util.promisify.custom` is read from it.
#[derive(Clone)]
pub struct PromisifyStatics;

/// `util.types`.
#[derive(Clone)]
pub struct UtilTypes;

pub fn module(st: &Rc<State>) -> Dynamic {
    Dynamic::from(UtilModule(st.clone()))
}

/// Node's "Received …" tail of an `ERR_INVALID_ARG_TYPE` message.
pub fn received(v: &Dynamic) -> String {
    if v.is_unit() {
        return "Received undefined".into();
    }
    if v.is_map() || v.is_array() {
        return format!("Received an instance of {}", if v.is_array() { "Array" } else { "Object" });
    }
    let kind = if v.is_string() || v.is_char() {
        "string"
    } else if v.is_int() || v.is_float() {
        "number"
    } else if v.is_bool() {
        "boolean"
    } else {
        return format!("Received an instance of {}", v.type_name().rsplit("::").next().unwrap_or("Object"));
    };
    format!("Received type {kind} ({})", inspect::inspect(v, &super::describe))
}

pub fn invalid_arg(name: &str, what: &str, v: &Dynamic) -> Box<EvalAltResult> {
    let msg = format!("The \"{name}\" argument must be of type {what}. {}", received(v));
    error::throw(error::coded("TypeError", "ERR_INVALID_ARG_TYPE", &msg))
}

fn take_args(args: &mut [&mut Dynamic]) -> Vec<Dynamic> {
    args.iter_mut().map(|a| std::mem::take(&mut **a)).collect()
}

/// `promisify(f)`: a function returning a promise, settled by the callback that is
/// appended to its arguments. `exec`/`execFile` resolve `#{stdout, stderr}` and
/// reject with an error carrying both, as Node's custom forms do.
#[allow(deprecated)]
fn promisify(st: &Rc<State>, original: Dynamic) -> Res<Dynamic> {
    if let Some(custom) = original.read_lock::<Map>().and_then(|m| m.get(CUSTOM).cloned()) {
        return if custom.is_fnptr() {
            Ok(custom)
        } else {
            Err(invalid_arg("util.promisify.custom", "function", &custom))
        };
    }
    let Some(f) = original.clone().try_cast::<FnPtr>() else {
        return Err(invalid_arg("original", "function", &original));
    };
    if !f.is_anonymous() && matches!(f.fn_name(), "setTimeout" | "setImmediate") {
        return timer_form(st, f.fn_name() == "setTimeout").map(Dynamic::from);
    }
    let exec_like = !f.is_anonymous() && matches!(f.fn_name(), "exec" | "execFile");
    let st = st.clone();
    let name = if f.is_anonymous() { "promisified".to_string() } else { f.fn_name().to_string() };
    let wrapper = FnPtr::from_fn(name, move |ctx, args| {
        let p = Promise::pending();
        let (q, s) = (p.clone(), st.clone());
        let callback = FnPtr::from_fn("callback", move |_, cargs| {
            let mut vals = take_args(cargs);
            vals.resize(3, Dynamic::UNIT);
            let [err, value, extra] = <[Dynamic; 3]>::try_from(vals).expect("three values");
            if !err.is_unit() {
                let mut err = err;
                if exec_like && let Some(mut m) = err.write_lock::<Map>() {
                    m.insert("stdout".into(), value);
                    m.insert("stderr".into(), extra);
                }
                q.reject(&s.micro, err);
            } else if exec_like {
                let mut r = Map::new();
                r.insert("stdout".into(), value);
                r.insert("stderr".into(), extra);
                q.resolve(&s.micro, r.into());
            } else {
                q.resolve(&s.micro, value);
            }
            Ok(Dynamic::UNIT)
        })?;
        let mut call = take_args(args);
        call.push(callback.into());
        // As in Node, the original runs inside the promise executor: a throw rejects.
        if let Err(e) = f.call_raw(&ctx, None, call) {
            if matches!(*e, EvalAltResult::ErrorTerminated(..)) {
                return Err(e);
            }
            p.reject(&st.micro, error::to_value(&e));
        }
        Ok(Dynamic::from(p))
    })?;
    Ok(wrapper.into())
}

/// `promisify(setTimeout)` / `promisify(setImmediate)`: Node's custom forms, the
/// `timers/promises` functions (`(ms, value)` and `(value)`).
#[allow(deprecated)]
fn timer_form(st: &Rc<State>, timeout: bool) -> Res<FnPtr> {
    let st = st.clone();
    let name = if timeout { "setTimeout" } else { "setImmediate" };
    FnPtr::from_fn(name, move |_, args| {
        let mut a = take_args(args);
        a.resize(2, Dynamic::UNIT);
        let p = if timeout {
            super::timers_promises::timeout(&st, &a[0], a[1].clone(), &Dynamic::UNIT)
        } else {
            super::timers_promises::immediate(&st, a[0].clone(), &Dynamic::UNIT)
        };
        Ok(Dynamic::from(p))
    })
}

/// `callbackify(f)`: the last argument becomes a Node callback, called on the next
/// tick with `(err)` or `(null, value)` once what `f` returned settles.
#[allow(deprecated)]
fn callbackify(st: &Rc<State>, original: Dynamic) -> Res<FnPtr> {
    let Some(f) = original.clone().try_cast::<FnPtr>() else {
        return Err(invalid_arg("original", "function", &original));
    };
    let st = st.clone();
    let name = if f.is_anonymous() { "callbackified".to_string() } else { format!("{}Callbackified", f.fn_name()) };
    FnPtr::from_fn(name, move |ctx, args| {
        let mut call = take_args(args);
        let last = call.pop().unwrap_or_default();
        let Some(cb) = last.clone().try_cast::<FnPtr>() else {
            return Err(invalid_arg("last argument", "function", &last));
        };
        let cb = Callback::new(&ctx, cb);
        let result = f.call_raw(&ctx, None, call)?;
        let p = Promise::resolved(&st.micro, result);
        let (s, ok_cb) = (st.clone(), cb.clone());
        let ok = Handler::Native(Rc::new(move |_, _, v| {
            s.next_tick(Task::Call(ok_cb.clone(), vec![Dynamic::UNIT, v]));
            Ok(Dynamic::UNIT)
        }));
        let s = st.clone();
        let fail = Handler::Native(Rc::new(move |_, _, reason| {
            let reason = if equality::truthy(&reason) {
                reason
            } else {
                let mut e = error::coded("Error", "ERR_FALSY_VALUE_REJECTION", "Promise was rejected with falsy value");
                e.insert("reason".into(), reason);
                e.into()
            };
            s.next_tick(Task::Call(cb.clone(), vec![reason]));
            Ok(Dynamic::UNIT)
        }));
        p.then(&st.micro, ok, fail);
        Ok(Dynamic::UNIT)
    })
}

/// `depth` (a number; `()` or `Infinity` for no limit) and `showHidden`.
fn inspect_options(opts: &Dynamic) -> inspect::Options {
    let mut o = inspect::Options::default();
    if let Some(m) = opts.read_lock::<Map>() {
        match m.get("depth") {
            Some(d) if d.is_unit() => o.depth = None,
            Some(d) => match d.as_int().map(|i| i as f64).or_else(|_| d.as_float()) {
                Ok(f) if f.is_infinite() => o.depth = None,
                Ok(f) => o.depth = Some(f.max(0.0) as usize),
                Err(_) => {}
            },
            None => {}
        }
        o.show_hidden = m.get("showHidden").and_then(|v| v.as_bool().ok()).unwrap_or(false);
    }
    o
}

macro_rules! variadic_format {
    ($engine:expr, $($arg:ident),*) => {
        $engine.register_fn("format", |_: &mut UtilModule, $($arg: Dynamic),*| super::console::format(&[$($arg),*]));
    };
}

/// `cp.exec` / `cp.execFile` read as values (to hand to `promisify`): functions
/// calling the module's own method.
#[allow(deprecated)]
fn method_value(name: &'static str) -> Res<FnPtr> {
    FnPtr::from_fn(name, move |ctx, args| {
        let mut m = Dynamic::from(ChildProcessModule);
        let mut all: Vec<&mut Dynamic> = vec![&mut m];
        all.extend(args.iter_mut().map(|a| &mut **a));
        ctx.call_native_fn_raw(name, true, &mut all)
    })
}

pub fn register(engine: &mut Engine) {
    engine.register_type_with_name::<UtilModule>("UtilModule");
    engine.register_type_with_name::<PromisifyStatics>("promisify");
    engine.register_type_with_name::<UtilTypes>("UtilTypes");
    engine.register_fn("format", |_: &mut UtilModule| String::new());
    variadic_format!(engine, a);
    variadic_format!(engine, a, b);
    variadic_format!(engine, a, b, c);
    variadic_format!(engine, a, b, c, d);
    variadic_format!(engine, a, b, c, d, e);
    variadic_format!(engine, a, b, c, d, e, f);
    variadic_format!(engine, a, b, c, d, e, f, g);
    engine.register_fn("inspect", |_: &mut UtilModule, v: Dynamic| inspect::inspect(&v, &super::describe));
    engine.register_fn("inspect", |_: &mut UtilModule, v: Dynamic, opts: Dynamic| {
        inspect::inspect_with(&v, &super::describe, &inspect_options(&opts))
    });
    engine.register_fn("promisify", |m: &mut UtilModule, f: Dynamic| promisify(&m.0, f));
    engine.register_get("promisify", |_: &mut UtilModule| PromisifyStatics);
    engine.register_get("custom", |_: &mut PromisifyStatics| CUSTOM);
    engine.register_fn("callbackify", |m: &mut UtilModule, f: Dynamic| callbackify(&m.0, f));
    engine.register_fn("isDeepStrictEqual", |_: &mut UtilModule, a: Dynamic, b: Dynamic| {
        equality::deep_strict_equal(&a, &b)
    });
    engine.register_get("types", |_: &mut UtilModule| UtilTypes);
    engine.register_fn("isPromise", |_: &mut UtilTypes, v: Dynamic| v.is::<Promise>());
    engine.register_get("exec", |_: &mut ChildProcessModule| method_value("exec"));
    engine.register_get("execFile", |_: &mut ChildProcessModule| method_value("execFile"));
}
