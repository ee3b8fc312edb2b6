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
    let mut out = String::new();
    format_into(&mut out, args);
    out
}

/// A value as `console.log` shows it, added to `out`: a string as it is (its bytes
/// copied once, not through a `String` of its own), anything else inspected.
fn push_shown(out: &mut String, v: &Dynamic) {
    match v.read_lock::<ImmutableString>() {
        Some(s) => out.push_str(&s),
        None => out.push_str(&inspect::log_arg(v, &super::describe)),
    }
}

/// [`format`] into `out`.
fn format_into(out: &mut String, args: &[Dynamic]) {
    let mut rest = args.iter();
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
                    's' => push_shown(out, arg),
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
            push_shown(out, first);
        }
        None => {}
    }
    for a in rest {
        out.push(' ');
        push_shown(out, a);
    }
}

fn emit(st: &State, to_stderr: bool, args: &[Dynamic]) {
    // Sized for the common line, one string (`console.log(`...`)`): its bytes and the
    // newline go into one allocation.
    let first_len = args.first().and_then(|a| a.read_lock::<ImmutableString>().map(|s| s.len()));
    let mut line = String::with_capacity(first_len.unwrap_or(0) + 1);
    format_into(&mut line, args);
    line.push('\n');
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
