//! `JSON`, `Date.now()`, the Error constructors and `require`.
//!
//! ```rhai
//! let s = JSON.stringify(#{a: [1, 2]});        // {"a":[1,2]}
//! let v = JSON.parse(s);
//! let e = Error("boom");                       // #{name, message, stack}
//! let events = require("events");
//! ```

use std::rc::Rc;

use rhai::{Dynamic, Engine, EvalAltResult, ImmutableString, Map, NativeCallContext};

use crate::runtime::State;
use crate::value::{error, json};

type Res<T> = Result<T, Box<EvalAltResult>>;

#[derive(Clone)]
pub struct Json;

#[derive(Clone)]
pub struct DateGlobal;

fn indent_of(space: &Dynamic) -> String {
    if let Ok(n) = space.as_int() {
        " ".repeat(n.clamp(0, 10) as usize)
    } else if space.is_string() {
        space.to_string().chars().take(10).collect()
    } else {
        String::new()
    }
}

fn stringify(v: &Dynamic, space: &Dynamic) -> Dynamic {
    json::stringify(v, &indent_of(space)).map(Dynamic::from).unwrap_or(Dynamic::UNIT)
}

/// `Error(msg)`: a map with `name`, `message` and a `stack` naming the call site.
fn make(ctx: &NativeCallContext, name: &str, message: &str) -> Map {
    let pos = ctx.call_position();
    let at = pos
        .line()
        .map(|l| format!("{}:{}:{}", ctx.call_source().unwrap_or("<anonymous>"), l, pos.position().unwrap_or(1)));
    error::error(name, message, at.as_deref())
}

/// Modules `require` knows, each a function building its module object.
pub type Builtin = (&'static str, fn(&Rc<State>) -> Dynamic);

pub fn register(engine: &mut Engine, _st: &Rc<State>, builtins: &'static [Builtin]) {
    engine.register_type_with_name::<Json>("JSON");
    engine.register_type_with_name::<DateGlobal>("DateConstructor");
    engine.register_fn("stringify", |_: &mut Json, v: Dynamic| stringify(&v, &Dynamic::UNIT));
    engine.register_fn("stringify", |_: &mut Json, v: Dynamic, _replacer: Dynamic| stringify(&v, &Dynamic::UNIT));
    engine
        .register_fn("stringify", |_: &mut Json, v: Dynamic, _replacer: Dynamic, space: Dynamic| stringify(&v, &space));
    engine.register_fn("parse", |_: &mut Json, s: ImmutableString| -> Res<Dynamic> {
        json::parse(&s).map_err(|m| error::throw(error::error("SyntaxError", &m, None)))
    });
    engine.register_fn("now", |_: &mut DateGlobal| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
    });

    for name in ["Error", "TypeError", "RangeError", "SyntaxError", "ReferenceError"] {
        engine.register_fn(name, move |ctx: NativeCallContext| make(&ctx, name, ""));
        engine.register_fn(name, move |ctx: NativeCallContext, msg: Dynamic| make(&ctx, name, &super::to_text(&msg)));
        engine.register_fn(name, move |ctx: NativeCallContext, msg: Dynamic, opts: Map| {
            let mut m = make(&ctx, name, &super::to_text(&msg));
            if let Some(cause) = opts.get("cause") {
                m.insert("cause".into(), cause.clone());
            }
            m
        });
    }

    let st = _st.clone();
    engine.register_fn("require", move |name: ImmutableString| -> Res<Dynamic> {
        let key = name.strip_prefix("node:").unwrap_or(&name);
        match builtins.iter().find(|(n, _)| *n == key) {
            Some((_, make)) => Ok(make(&st)),
            None => {
                let m = format!(
                    "Cannot find module '{name}' (procbox modules: {}; use `import` for .rhai files)",
                    names(builtins)
                );
                Err(error::throw(error::coded("Error", "MODULE_NOT_FOUND", &m)))
            }
        }
    });
}

fn names(builtins: &[Builtin]) -> String {
    builtins.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
}
