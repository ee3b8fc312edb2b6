//! `require("child_process")` and the globals `spawn(…)` and `exec(…)`: `spawn`,
//! `exec`, `execFile` and their sync twins, the `ChildProcess` object and its stdio
//! streams. The core (starting, reaping, capturing) lives in `crate::child`.
//!
//! ```rhai
//! let cp = require("child_process");
//! let ls = cp.spawn("ls", ["-l"], #{cwd: "/"});
//! ls.stdout.on("data", |chunk| print(chunk.toString()));
//! ls.on("close", |code, signal| print(`ls ended: ${code}`));
//! exec("uname -s", |err, stdout, stderr| print(stdout));
//! let out = cp.execFileSync("echo", ["hi"], #{encoding: "utf8"});
//! ```
//!
//! Children are reaped when SIGCHLD arrives (the runtime's signal hook), with
//! `waitpid` on our own pids only; the hook is installed for as long as children run.

mod child;
mod children;
pub(crate) mod contain;
mod exec;
pub(crate) mod fork;
pub(crate) mod options;
mod permissions;
mod readable;
mod sandbox;
mod streams_api;
mod sync;
mod writable;

use std::rc::Rc;

use rhai::{Array, Blob, Dynamic, Engine, FnPtr, ImmutableString, Map, NativeCallContext};

pub use child::{ChildInner, ChildProcess, Stream, signal_name};
pub use children::{Children, children};
use exec::ExecJob;
/// Node's "Received …" text, shared with the fs and path bindings.
pub use options::received as options_received;
use options::{Res, args_arg, file_arg, normalize, options_arg, signal_arg};
pub use readable::{Readable, Sink};
pub use writable::Writable;

use super::events;
use super::stdio::Stdout;
use crate::runtime::State;
use crate::runtime::callback::Callback;
use crate::value::encoding;

/// What `require("child_process")` returns.
#[derive(Clone)]
pub struct ChildProcessModule;

fn callback_arg(ctx: &NativeCallContext, v: &Dynamic) -> Res<Option<Callback>> {
    if v.is_unit() {
        return Ok(None);
    }
    match v.clone().try_cast::<FnPtr>() {
        Some(f) => Ok(Some(Callback::new(ctx, f))),
        None => Err(options::thrown(
            "TypeError",
            "ERR_INVALID_ARG_TYPE",
            format!("The \"callback\" argument must be of type function. Received {}", options::received(v)),
        )),
    }
}

fn is_fn(v: &Dynamic) -> bool {
    v.is::<FnPtr>()
}

/// `spawn(file, args?, options?)`.
/// `spawn` with normalized arguments (fork builds its own).
fn start_spec(ch: &Children, spec: &options::Spawn) -> Res<ChildProcess> {
    let c = ch.start(spec)?;
    if let (Some(ms), Some(_)) = (spec.timeout, c.0.pid) {
        c.arm_timeout(ms, spec.kill_signal);
    }
    Ok(c)
}

fn spawn(ch: &Children, file: &Dynamic, a: &Dynamic, b: &Dynamic) -> Res<ChildProcess> {
    let file = file_arg(file, "file")?;
    let (args, opts) = if a.is_map() { (Vec::new(), options_arg(a)?) } else { (args_arg(a)?, options_arg(b)?) };
    let spec = normalize(&ch.st, file, args, &opts, options::SPAWN)?;
    let c = ch.start(&spec)?;
    if let (Some(ms), Some(_)) = (spec.timeout, c.0.pid) {
        c.arm_timeout(ms, spec.kill_signal);
    }
    Ok(c)
}

/// `exec(command, options?, callback?)`: always a shell (`options.shell` may name one).
fn exec(ch: &Children, ctx: &NativeCallContext, command: &Dynamic, a: &Dynamic, b: &Dynamic) -> Res<ChildProcess> {
    let command = file_arg(command, "command")?;
    let (opts, cb) = if is_fn(a) { (&Dynamic::UNIT, a) } else { (a, b) };
    let mut opts = options_arg(opts)?;
    if !opts.get("shell").is_some_and(|s| s.is_string()) {
        opts.remove("shell");
    }
    let cb = callback_arg(ctx, cb)?;
    let spec = normalize(&ch.st, command.clone(), Vec::new(), &opts, options::EXEC)?;
    let c = ch.start(&spec)?;
    ExecJob::attach(&c, cb, command, &spec);
    Ok(c)
}

/// `execFile(file, args?, options?, callback?)`, Node's argument shuffling included.
fn exec_file(ch: &Children, ctx: &NativeCallContext, file: &Dynamic, rest: [&Dynamic; 3]) -> Res<ChildProcess> {
    let file = file_arg(file, "file")?;
    let mut rest = rest.into_iter().filter(|v| !v.is_unit()).peekable();
    let args = match rest.peek() {
        Some(v) if v.is_array() => args_arg(rest.next().expect("peeked"))?,
        Some(v) if !v.is_map() && !is_fn(v) => args_arg(v)?,
        _ => Vec::new(),
    };
    let opts = match rest.peek() {
        Some(v) if !is_fn(v) => options_arg(rest.next().expect("peeked"))?,
        _ => Map::new(),
    };
    let cb = callback_arg(ctx, rest.next().unwrap_or(&Dynamic::UNIT))?;
    let cmd = std::iter::once(file.clone()).chain(args.iter().cloned()).collect::<Vec<_>>().join(" ");
    let spec = normalize(&ch.st, file, args, &opts, options::EXEC_FILE)?;
    let c = ch.start(&spec)?;
    ExecJob::attach(&c, cb, cmd, &spec);
    Ok(c)
}

fn file_args_opts(
    ch: &Children,
    file: &Dynamic,
    a: &Dynamic,
    b: &Dynamic,
    d: options::Defaults,
) -> Res<options::Spawn> {
    let file = file_arg(file, "file")?;
    let (args, opts) = if a.is_map() { (Vec::new(), options_arg(a)?) } else { (args_arg(a)?, options_arg(b)?) };
    normalize(&ch.st, file, args, &opts, d)
}

fn spawn_sync(ch: &Children, file: &Dynamic, a: &Dynamic, b: &Dynamic) -> Res<Map> {
    let spec = file_args_opts(ch, file, a, b, options::SYNC)?;
    sync::spawn_sync(&ch.st, &spec)
}

fn exec_sync(ch: &Children, command: &Dynamic, opts: &Dynamic) -> Res<Dynamic> {
    let command = file_arg(command, "command")?;
    let mut opts = options_arg(opts)?;
    if !opts.get("shell").is_some_and(|s| s.is_string()) {
        opts.remove("shell");
    }
    let spec = normalize(&ch.st, command.clone(), Vec::new(), &opts, options::EXEC_SYNC)?;
    sync::exec_sync(&ch.st, &spec, Some(&command))
}

fn exec_file_sync(ch: &Children, file: &Dynamic, a: &Dynamic, b: &Dynamic) -> Res<Dynamic> {
    let spec = file_args_opts(ch, file, a, b, options::SYNC)?;
    sync::exec_sync(&ch.st, &spec, None)
}

fn stream_value(s: Option<Stream>) -> Dynamic {
    match s {
        Some(Stream::In(w)) => Dynamic::from(w),
        Some(Stream::Out(r)) => Dynamic::from(r),
        None => Dynamic::UNIT,
    }
}

fn register_child(engine: &mut Engine, st: &Rc<State>) {
    engine.register_type_with_name::<ChildProcess>("ChildProcess");
    events::register::<ChildProcess>(engine, st);
    engine
        .register_get("pid", |c: &mut ChildProcess| c.0.pid.map(|p| Dynamic::from(p as i64)).unwrap_or(Dynamic::UNIT));
    engine.register_get("exitCode", |c: &mut ChildProcess| c.0.code_value());
    engine.register_get("signalCode", |c: &mut ChildProcess| c.0.signal_value());
    engine.register_get("killed", |c: &mut ChildProcess| c.0.killed.get());
    engine.register_get("connected", |c: &mut ChildProcess| c.channel().is_some_and(|ep| ep.connected()));
    engine.register_get("spawnfile", |c: &mut ChildProcess| c.0.spawnfile.clone());
    engine.register_get("spawnargs", |c: &mut ChildProcess| -> Array {
        c.0.spawnargs.iter().map(|a| Dynamic::from(a.clone())).collect()
    });
    engine.register_get("stdin", |c: &mut ChildProcess| stream_value(c.stream(0)));
    engine.register_get("stdout", |c: &mut ChildProcess| stream_value(c.stream(1)));
    engine.register_get("stderr", |c: &mut ChildProcess| stream_value(c.stream(2)));
    engine.register_get("stdio", |c: &mut ChildProcess| -> Array {
        c.0.stdio.iter().map(|s| stream_value(s.clone())).collect()
    });
    engine.register_fn("kill", |ctx: NativeCallContext, c: &mut ChildProcess| c.kill(ctx.engine(), libc::SIGTERM));
    engine.register_fn("kill", |ctx: NativeCallContext, c: &mut ChildProcess, sig: Dynamic| {
        let signo = if sig.as_int() == Ok(0) { 0 } else { signal_arg(&sig)? };
        c.kill(ctx.engine(), signo)
    });
    super::stream_api::register_ref::<ChildProcess>(engine);
    // Identity, as `===` on Node's objects: `readyPool.indexOf(child)` in the seed's pool.
    engine.register_fn("==", |a: &mut ChildProcess, b: ChildProcess| Rc::ptr_eq(&a.0, &b.0));
    engine.register_fn("!=", |a: &mut ChildProcess, b: ChildProcess| !Rc::ptr_eq(&a.0, &b.0));
    engine.register_fn("to_string", |c: &mut ChildProcess| format!("ChildProcess {{ pid: {} }}", c.0.pid.unwrap_or(0)));
}

/// Registers one function under a name for the module object and, optionally, as a
/// global, for 1 to 3 arguments (missing ones are `()`); each closure keeps its own
/// `Rc` of the registry `$ch`.
macro_rules! register3 {
    ($engine:expr, $name:literal, $global:expr, $ch:ident, |$ctx:ident, $a:ident, $b:ident, $c:ident| $body:expr) => {{
        {
            let $ch = $ch.clone();
            $engine.register_fn($name, move |$ctx: NativeCallContext, _: &mut ChildProcessModule, $a: Dynamic| {
                let ($b, $c) = (Dynamic::UNIT, Dynamic::UNIT);
                $body
            });
        }
        {
            let $ch = $ch.clone();
            $engine.register_fn(
                $name,
                move |$ctx: NativeCallContext, _: &mut ChildProcessModule, $a: Dynamic, $b: Dynamic| {
                    let $c = Dynamic::UNIT;
                    $body
                },
            );
        }
        {
            let $ch = $ch.clone();
            $engine.register_fn(
                $name,
                move |$ctx: NativeCallContext, _: &mut ChildProcessModule, $a: Dynamic, $b: Dynamic, $c: Dynamic| $body,
            );
        }
        if $global {
            {
                let $ch = $ch.clone();
                $engine.register_fn($name, move |$ctx: NativeCallContext, $a: Dynamic| {
                    let ($b, $c) = (Dynamic::UNIT, Dynamic::UNIT);
                    $body
                });
            }
            {
                let $ch = $ch.clone();
                $engine.register_fn($name, move |$ctx: NativeCallContext, $a: Dynamic, $b: Dynamic| {
                    let $c = Dynamic::UNIT;
                    $body
                });
            }
            let $ch = $ch.clone();
            $engine.register_fn($name, move |$ctx: NativeCallContext, $a: Dynamic, $b: Dynamic, $c: Dynamic| $body);
        }
    }};
}

pub fn register(engine: &mut Engine, st: &Rc<State>) {
    let ch = children::install(st);
    engine.register_type_with_name::<ChildProcessModule>("ChildProcessModule");
    register_child(engine, st);
    streams_api::register_streams(engine, st);

    register3!(engine, "spawn", true, ch, |_ctx, a, b, c| spawn(&ch, &a, &b, &c));
    register3!(engine, "exec", true, ch, |ctx, a, b, c| exec(&ch, &ctx, &a, &b, &c));
    register3!(engine, "execFile", false, ch, |ctx, a, b, c| exec_file(&ch, &ctx, &a, [&b, &c, &Dynamic::UNIT]));
    let c4 = ch.clone();
    engine.register_fn(
        "execFile",
        move |ctx: NativeCallContext, _: &mut ChildProcessModule, a: Dynamic, b: Dynamic, c: Dynamic, d: Dynamic| {
            exec_file(&c4, &ctx, &a, [&b, &c, &d])
        },
    );
    fork::register(engine, &ch);
    register3!(engine, "spawnSync", false, ch, |_ctx, a, b, c| spawn_sync(&ch, &a, &b, &c));
    let c1 = ch.clone();
    engine.register_fn("execSync", move |_: &mut ChildProcessModule, a: Dynamic| exec_sync(&c1, &a, &Dynamic::UNIT));
    let c2 = ch.clone();
    engine.register_fn("execSync", move |_: &mut ChildProcessModule, a: Dynamic, b: Dynamic| exec_sync(&c2, &a, &b));
    register3!(engine, "execFileSync", false, ch, |_ctx, a, b, c| exec_file_sync(&ch, &a, &b, &c));
}

/// The object `require("child_process")` returns.
pub fn module(_st: &Rc<State>) -> Dynamic {
    Dynamic::from(ChildProcessModule)
}

impl super::stream_api::Refable for ChildProcess {
    fn set_ref(&self, on: bool) {
        ChildProcess::set_ref(self, on)
    }
}
