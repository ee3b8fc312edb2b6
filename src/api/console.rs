//! `console.log/info/debug` (stdout) and `console.warn/error/trace` (stderr), with
//! Node's `%s %d %i %f %j %o %O %c %%` formats and its spacing of several arguments.
//!
//! ```rhai
//! console.log("exit", 0, #{a: 1});      // exit 0 { a: 1 }
//! console.error("%s has %d items", "list", 3);
//! ```

use std::rc::Rc;

use rhai::{Dynamic, Engine, ImmutableString};

use crate::runtime::State;
use crate::value::{inspect, js_number, json};

#[derive(Clone)]
pub struct Console(Rc<State>);

fn number(v: &Dynamic, int: bool) -> String {
    let f = if let Ok(i) = v.as_int() {
        return i.to_string();
    } else if let Ok(f) = v.as_float() {
        f
    } else {
        v.to_string().trim().parse::<f64>().unwrap_or(f64::NAN)
    };
    js_number(if int { f.trunc() } else { f })
}

/// Node's `util.format`.
pub fn format(args: &[Dynamic]) -> String {
    let show = |v: &Dynamic| inspect::log_arg(v, &super::describe);
    let mut rest = args.iter();
    let mut out = String::new();
    match args.first() {
        Some(first) if first.is_string() && args.len() > 1 => {
            rest.next();
            let fmt = first.to_string();
            let mut chars = fmt.chars().peekable();
            while let Some(c) = chars.next() {
                if c != '%' {
                    out.push(c);
                    continue;
                }
                let Some(&spec) = chars.peek() else {
                    out.push('%');
                    break;
                };
                if spec == '%' {
                    chars.next();
                    out.push('%');
                    continue;
                }
                if !"sdifjoOc".contains(spec) {
                    out.push('%');
                    continue;
                }
                let Some(arg) = rest.next() else {
                    out.push('%');
                    continue;
                };
                chars.next();
                match spec {
                    // Objects at depth 0, as Node's `%s` inspects them.
                    's' if arg.is_map() || arg.is_array() => {
                        let o = inspect::Options { depth: Some(0), show_hidden: false };
                        out.push_str(&inspect::inspect_with(arg, &super::describe, &o))
                    }
                    's' => out.push_str(&show(arg)),
                    'd' => out.push_str(&number(arg, false)),
                    'i' => out.push_str(&number(arg, true)),
                    'f' => out.push_str(&number(arg, false)),
                    'j' => out.push_str(&json::stringify(arg, "").unwrap_or_else(|| "undefined".into())),
                    'o' => {
                        let o = inspect::Options { depth: Some(4), show_hidden: true };
                        out.push_str(&inspect::inspect_with(arg, &super::describe, &o))
                    }
                    'O' => out.push_str(&inspect::inspect(arg, &super::describe)),
                    _ => {}
                }
            }
        }
        Some(first) => {
            rest.next();
            out.push_str(&show(first));
        }
        None => {}
    }
    for a in rest {
        out.push(' ');
        out.push_str(&show(a));
    }
    out
}

fn emit(st: &State, to_stderr: bool, args: &[Dynamic]) {
    let line = match args {
        // One string (the common `console.log(`...`)`): shown as it is, so its bytes
        // and the newline go into one buffer, without `format`'s two copies.
        [one] if let Some(s) = one.read_lock::<ImmutableString>() => {
            let mut line = String::with_capacity(s.len() + 1);
            line.push_str(&s);
            line.push('\n');
            line
        }
        _ => {
            let mut line = format(args);
            line.push('\n');
            line
        }
    };
    if to_stderr { st.eprint(&line) } else { st.print(&line) }
}

macro_rules! variadic {
    ($engine:expr, $name:expr, $err:expr) => {{
        let e: &mut Engine = $engine;
        let err: bool = $err;
        e.register_fn($name, move |c: &mut Console| emit(&c.0, err, &[]));
        e.register_fn($name, move |c: &mut Console, a: Dynamic| emit(&c.0, err, &[a]));
        e.register_fn($name, move |c: &mut Console, a: Dynamic, b: Dynamic| emit(&c.0, err, &[a, b]));
        e.register_fn($name, move |c: &mut Console, a: Dynamic, b: Dynamic, d: Dynamic| emit(&c.0, err, &[a, b, d]));
        e.register_fn($name, move |c: &mut Console, a: Dynamic, b: Dynamic, d: Dynamic, f: Dynamic| {
            emit(&c.0, err, &[a, b, d, f])
        });
        e.register_fn($name, move |c: &mut Console, a: Dynamic, b: Dynamic, d: Dynamic, f: Dynamic, g: Dynamic| {
            emit(&c.0, err, &[a, b, d, f, g])
        });
        e.register_fn(
            $name,
            move |c: &mut Console, a: Dynamic, b: Dynamic, d: Dynamic, f: Dynamic, g: Dynamic, h: Dynamic| {
                emit(&c.0, err, &[a, b, d, f, g, h])
            },
        );
    }};
}

pub fn register(engine: &mut Engine, st: &Rc<State>) -> Console {
    engine.register_type_with_name::<Console>("Console");
    for name in ["log", "info", "debug"] {
        variadic!(engine, name, false);
    }
    for name in ["warn", "error", "trace"] {
        variadic!(engine, name, true);
    }
    engine.register_fn("dir", |c: &mut Console, v: Dynamic| {
        let line = format!("{}\n", inspect::inspect(&v, &super::describe));
        c.0.print(&line);
    });
    Console(st.clone())
}
