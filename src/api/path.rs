//! `require("path")` (POSIX; `path.posix` is the same object): thin bindings over
//! `crate::sys::path`, Node's own algorithm.
//!
//! ```rhai
//! let path = require("path");
//! print(path.join("/foo", "bar", "baz/asdf", "quux", ".."));   // /foo/bar/baz/asdf
//! print(path.basename("/a/b.html", ".html"));                    // b
//! let p = path.parse("/home/u/file.txt");                        // #{root, dir, base, ext, name}
//! print(path.format(p));
//! ```

use std::rc::Rc;

use rhai::{Dynamic, Engine, EvalAltResult, Map};

use crate::api::child_process::options_received as received;
use crate::runtime::State;
use crate::sys::path;
use crate::value::error;

type Res<T> = Result<T, Box<EvalAltResult>>;

/// What `require("path")` returns.
#[derive(Clone)]
pub struct PathModule;

/// Node's `validateString`.
fn string(v: &Dynamic, name: &str) -> Res<String> {
    if v.is_string() {
        return Ok(v.to_string());
    }
    Err(error::throw(error::coded(
        "TypeError",
        "ERR_INVALID_ARG_TYPE",
        &format!("The \"{name}\" argument must be of type string. Received {}", received(v)),
    )))
}

fn cwd() -> String {
    crate::sys::task::cwd().unwrap_or_else(|_| "/".into())
}

fn join(args: &[Dynamic]) -> Res<String> {
    let parts = args.iter().map(|a| string(a, "path")).collect::<Res<Vec<_>>>()?;
    Ok(path::join(&parts.iter().map(String::as_str).collect::<Vec<_>>()))
}

fn resolve(args: &[Dynamic]) -> Res<String> {
    let parts = args.iter().enumerate().map(|(i, a)| string(a, &format!("paths[{i}]"))).collect::<Res<Vec<_>>>()?;
    Ok(path::resolve(&parts.iter().map(String::as_str).collect::<Vec<_>>(), &cwd()))
}

fn parse(p: &Dynamic) -> Res<Map> {
    let p = path::parse(&string(p, "path")?);
    let mut m = Map::new();
    for (k, v) in [("root", p.root), ("dir", p.dir), ("base", p.base), ("ext", p.ext), ("name", p.name)] {
        m.insert(k.into(), v.into());
    }
    Ok(m)
}

fn format(obj: &Dynamic) -> Res<String> {
    let Some(m) = obj.read_lock::<Map>() else {
        return Err(error::throw(error::coded(
            "TypeError",
            "ERR_INVALID_ARG_TYPE",
            &format!("The \"pathObject\" argument must be of type object. Received {}", received(obj)),
        )));
    };
    // JS's `x || ''`: a missing, empty or `()` field counts as empty.
    let field = |k: &str| m.get(k).filter(|v| !v.is_unit()).map(|v| v.to_string()).unwrap_or_default();
    Ok(path::format(&field("root"), &field("dir"), &field("base"), &field("name"), &field("ext")))
}

/// Registers `name` for 0 to 8 arguments (Rhai has no rest parameters).
macro_rules! variadic {
    ($engine:expr, $name:literal, $f:expr) => {{
        let f: fn(&[Dynamic]) -> Res<String> = $f;
        $engine.register_fn($name, move |_: &mut PathModule| f(&[]));
        $engine.register_fn($name, move |_: &mut PathModule, a: Dynamic| f(&[a]));
        $engine.register_fn($name, move |_: &mut PathModule, a: Dynamic, b: Dynamic| f(&[a, b]));
        $engine.register_fn($name, move |_: &mut PathModule, a: Dynamic, b: Dynamic, c: Dynamic| f(&[a, b, c]));
        $engine.register_fn($name, move |_: &mut PathModule, a: Dynamic, b: Dynamic, c: Dynamic, d: Dynamic| {
            f(&[a, b, c, d])
        });
        $engine.register_fn(
            $name,
            move |_: &mut PathModule, a: Dynamic, b: Dynamic, c: Dynamic, d: Dynamic, e: Dynamic| f(&[a, b, c, d, e]),
        );
        $engine.register_fn(
            $name,
            move |_: &mut PathModule, a: Dynamic, b: Dynamic, c: Dynamic, d: Dynamic, e: Dynamic, g: Dynamic| {
                f(&[a, b, c, d, e, g])
            },
        );
    }};
}

pub fn register(engine: &mut Engine) {
    engine.register_type_with_name::<PathModule>("PathModule");
    variadic!(engine, "join", join);
    variadic!(engine, "resolve", resolve);
    engine.register_fn("normalize", |_: &mut PathModule, p: Dynamic| -> Res<String> {
        Ok(path::normalize(&string(&p, "path")?))
    });
    engine.register_fn("isAbsolute", |_: &mut PathModule, p: Dynamic| -> Res<bool> {
        Ok(path::is_absolute(&string(&p, "path")?))
    });
    engine.register_fn("relative", |_: &mut PathModule, from: Dynamic, to: Dynamic| -> Res<String> {
        Ok(path::relative(&string(&from, "from")?, &string(&to, "to")?, &cwd()))
    });
    engine.register_fn("dirname", |_: &mut PathModule, p: Dynamic| -> Res<String> {
        Ok(path::dirname(&string(&p, "path")?))
    });
    engine.register_fn("basename", |_: &mut PathModule, p: Dynamic| -> Res<String> {
        Ok(path::basename(&string(&p, "path")?, None))
    });
    engine.register_fn("basename", |_: &mut PathModule, p: Dynamic, suffix: Dynamic| -> Res<String> {
        let suffix = if suffix.is_unit() { None } else { Some(string(&suffix, "suffix")?) };
        Ok(path::basename(&string(&p, "path")?, suffix.as_deref()))
    });
    engine.register_fn("extname", |_: &mut PathModule, p: Dynamic| -> Res<String> {
        Ok(path::extname(&string(&p, "path")?))
    });
    engine.register_fn("parse", |_: &mut PathModule, p: Dynamic| parse(&p));
    engine.register_fn("format", |_: &mut PathModule, p: Dynamic| format(&p));
    engine.register_fn("toNamespacedPath", |_: &mut PathModule, p: Dynamic| p);
    engine.register_get("sep", |_: &mut PathModule| path::SEP.to_string());
    engine.register_get("delimiter", |_: &mut PathModule| path::DELIMITER.to_string());
    engine.register_get("posix", |m: &mut PathModule| m.clone());
    engine.register_fn("to_string", |_: &mut PathModule| "[object path]".to_string());
}

/// How `console.log` shows the module.
pub fn describe(v: &Dynamic) -> Option<String> {
    v.is::<PathModule>().then(|| "[module path]".to_string())
}

/// The object `require("path")` returns.
pub fn module(_st: &Rc<State>) -> Dynamic {
    Dynamic::from(PathModule)
}
