//! The `process` global: identity, environment, exit, signals, warnings, and the
//! card's short names `next_tick`, `on_exit`, `on_signal`.
//!
//! ```rhai
//! process.on("exit", |code| print(`exit ${code}`));
//! process.on("SIGTERM", |sig, num| print(`got ${sig} ${num}`));
//! process.env.GREETING = "hi";
//! process.exitCode = 3;
//! process.kill(process.pid, "SIGTERM");
//! ```
//!
//! `libc::SIGTERM` here is a signal number, used as data; no libc function is called
//! here (system calls are [`crate::sys`]'s).

use std::any::TypeId;
use std::rc::Rc;

use rhai::{Array, Dynamic, Engine, EvalAltResult, FnPtr, ImmutableString, Map, NativeCallContext, Position};

use super::events::{self, EventTarget};
use crate::runtime::callback::Callback;
use crate::runtime::emitter::Emitter;
pub use crate::runtime::warning::warn;
use crate::runtime::warning::warn_detail;
use crate::runtime::{State, Task};
use crate::signals;
use crate::sys::environ;
use crate::value::error;

type Res<T> = Result<T, Box<EvalAltResult>>;

#[derive(Clone)]
pub struct Process(pub Rc<State>);

impl EventTarget for Process {
    fn emitter(&self) -> &Emitter {
        &self.0.process
    }

    fn before_listen(&self, event: &str) -> Res<()> {
        match signals::number(event) {
            Some(signo) if signals::is_uncatchable(signo) => {
                let mut e = error::syscall("uv_signal_start", crate::sys::errno::Errno::EINVAL);
                e.insert("message".into(), "uv_signal_start EINVAL".into());
                Err(error::throw(e))
            }
            _ => Ok(()),
        }
    }

    fn listeners_changed(&self, event: &str) {
        self.0.hooks.process_listeners_changed(&self.0, event);
        if let Some(signo) = signals::number(event) {
            self.0.sync_signal(signo, self.0.process.has(event));
        }
    }
}

/// `process.env`: procbox's own environment map ([`environ`]), which children get.
#[derive(Clone)]
pub struct Env;

fn env_get(key: &str) -> Res<Dynamic> {
    super::permission::env(key)?;
    Ok(environ::get(key).map(Dynamic::from).unwrap_or(Dynamic::UNIT))
}

/// Assigning `()` removes the variable. A name with `=` or NUL, an empty name or a
/// value with NUL is a catchable `ERR_INVALID_ARG_VALUE` (Node ignores them silently).
fn env_set(key: &str, v: Dynamic) -> Res<()> {
    super::permission::env(key)?;
    let r = if v.is_unit() { environ::remove(key) } else { environ::set(key, &super::to_text(&v)) };
    r.map_err(|e| type_error("ERR_INVALID_ARG_VALUE", e.message()))
}

fn type_error(code: &str, message: String) -> Box<EvalAltResult> {
    error::throw(error::coded("TypeError", code, &message))
}

fn received(v: &Dynamic) -> String {
    if v.is_string() { format!("type string ('{v}')") } else { format!("type {} ({v})", v.type_name()) }
}

/// Node's validation of an exit code (`process.exitCode = v`, `process.exit(v)`).
pub fn exit_code_of(v: &Dynamic) -> Res<Option<i32>> {
    if v.is_unit() {
        return Ok(None);
    }
    if let Ok(i) = v.as_int() {
        return Ok(Some(i as i32));
    }
    let f = if let Ok(f) = v.as_float() {
        f
    } else if let Some(n) = v.read_lock::<ImmutableString>().and_then(|s| s.trim().parse::<f64>().ok()) {
        n
    } else {
        return Err(type_error(
            "ERR_INVALID_ARG_TYPE",
            format!("The \"code\" argument must be of type number. Received {}", received(v)),
        ));
    };
    if f.fract() != 0.0 || !f.is_finite() {
        let m = format!(
            "The value of \"code\" is out of range. It must be an integer. Received {}",
            crate::value::js_number(f)
        );
        return Err(error::throw(error::coded("RangeError", "ERR_OUT_OF_RANGE", &m)));
    }
    Ok(Some(f as i64 as i32))
}

/// `process.exit()`: records the code and terminates the running script; the runtime
/// then emits `exit` and ends the process.
fn exit(st: &State, code: Option<&Dynamic>) -> Res<()> {
    if let Some(v) = code {
        st.exit_code.set(exit_code_of(v)?);
    }
    st.exit_request.set(Some(st.exit_code.get().unwrap_or(0)));
    Err(EvalAltResult::ErrorTerminated("process.exit".into(), Position::NONE).into())
}

/// A signal argument: a name, a number, or `()`/"" for SIGTERM.
pub fn signal_of(v: &Dynamic) -> Res<i32> {
    if v.is_unit() {
        return Ok(libc::SIGTERM);
    }
    if let Ok(n) = v.as_int() {
        return Ok(n as i32);
    }
    let name = v.to_string();
    if name.is_empty() {
        return Ok(libc::SIGTERM);
    }
    signals::number(&name).ok_or_else(|| type_error("ERR_UNKNOWN_SIGNAL", format!("Unknown signal: {name}")))
}

fn kill(st: &State, pid: &Dynamic, sig: &Dynamic) -> Res<bool> {
    let Ok(pid) = pid.as_int() else {
        return Err(type_error(
            "ERR_INVALID_ARG_TYPE",
            format!("The \"pid\" argument must be of type number. Received {}", received(pid)),
        ));
    };
    let signo = signal_of(sig)?;
    // The signal may be for us: nothing written so far may be lost.
    st.flush();
    // Any pid and signal number: a bad one is an errno, reported, as in Node.
    if let Err(e) = crate::sys::process::kill(pid as i32, signo) {
        return Err(error::throw(error::syscall("kill", e)));
    }
    Ok(true)
}

fn emit_warning(st: &Rc<State>, warning: &Dynamic, opts: &Dynamic, code: &Dynamic) {
    let (mut kind, mut message) = ("Warning".to_string(), warning.to_string());
    if let Some(m) = warning.read_lock::<Map>() {
        kind = m.get("name").map(|v| v.to_string()).unwrap_or(kind);
        message = m.get("message").map(|v| v.to_string()).unwrap_or_default();
    }
    let (mut code_s, mut detail) = (None, None);
    if let Some(o) = opts.read_lock::<Map>() {
        if let Some(t) = o.get("type") {
            kind = t.to_string();
        }
        code_s = o.get("code").map(|v| v.to_string());
        detail = o.get("detail").map(|v| v.to_string());
    } else if !opts.is_unit() {
        kind = opts.to_string();
        code_s = (!code.is_unit()).then(|| code.to_string());
    }
    warn_detail(st, &message, &kind, code_s.as_deref(), detail.as_deref(), Map::new());
}

fn memory_usage() -> Map {
    let page = crate::sys::task::page_size() as i64;
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let rss = statm.split_whitespace().nth(1).and_then(|v| v.parse::<i64>().ok()).unwrap_or(0) * page;
    let (heap_total, heap_used) = crate::sys::host::heap_usage();
    let mut m = Map::new();
    m.insert("rss".into(), rss.into());
    m.insert("heapTotal".into(), heap_total.into());
    m.insert("heapUsed".into(), heap_used.into());
    m.insert("external".into(), 0_i64.into());
    m.insert("arrayBuffers".into(), 0_i64.into());
    m
}

fn strings(v: &[String]) -> Array {
    v.iter().map(|s| Dynamic::from(s.clone())).collect()
}

/// This process's id, read once as Node reads it: procbox starts every child with
/// `clone(CLONE_VM | CLONE_VFORK)` and an exec (`sys::spawn`), so the process running
/// the script never changes its id (a `getpid` per read cost ~270 ns).
fn pid() -> i64 {
    static PID: std::sync::OnceLock<i64> = std::sync::OnceLock::new();
    *PID.get_or_init(|| std::process::id() as i64)
}

fn next_tick(st: &State, f: Callback, args: Vec<Dynamic>) {
    st.next_tick(Task::Call(f, args));
}

pub fn register(engine: &mut Engine, st: &Rc<State>) {
    engine.register_type_with_name::<Process>("Process");
    engine.register_type_with_name::<Env>("Env");
    events::register::<Process>(engine, st);

    engine.register_get("pid", |_: &mut Process| pid());
    engine.register_get("ppid", |_: &mut Process| crate::sys::task::parent_pid() as i64);
    engine.register_get("argv", |p: &mut Process| strings(&p.0.argv));
    engine.register_get("execArgv", |p: &mut Process| strings(&p.0.exec_argv));
    engine.register_get("execPath", |p: &mut Process| p.0.exec_path.clone());
    engine.register_get("platform", |_: &mut Process| "linux".to_string());
    engine.register_get("arch", |_: &mut Process| {
        std::env::consts::ARCH.replace("x86_64", "x64").replace("aarch64", "arm64")
    });
    engine.register_get("version", |_: &mut Process| concat!("v", env!("CARGO_PKG_VERSION")).to_string());
    engine.register_get("env", |_: &mut Process| Env);
    engine.register_get("exitCode", |p: &mut Process| {
        p.0.exit_code.get().map(|c| Dynamic::from(c as i64)).unwrap_or(Dynamic::UNIT)
    });
    engine.register_set("exitCode", |p: &mut Process, v: Dynamic| -> Res<()> {
        p.0.exit_code.set(exit_code_of(&v)?);
        Ok(())
    });
    engine.register_fn("cwd", |_: &mut Process| -> Res<String> {
        crate::sys::task::cwd().map_err(|e| error::throw(error::uv(e, "uv_cwd", None, None)))
    });
    engine.register_fn("chdir", |_: &mut Process, dir: ImmutableString| -> Res<()> {
        crate::sys::task::chdir(dir.as_str()).map_err(|e| {
            let cwd = crate::sys::task::cwd().unwrap_or_default();
            error::throw(error::uv(e, "chdir", Some(&cwd), Some(&dir)))
        })
    });
    engine.register_fn("exit", |p: &mut Process| exit(&p.0, None));
    engine.register_fn("exit", |p: &mut Process, code: Dynamic| exit(&p.0, Some(&code)));
    engine.register_fn("kill", |p: &mut Process, pid: Dynamic| kill(&p.0, &pid, &Dynamic::UNIT));
    engine.register_fn("kill", |p: &mut Process, pid: Dynamic, sig: Dynamic| kill(&p.0, &pid, &sig));
    // `process.nextTick(cb)` borrows `cb` (rhai's `js_borrowed_args`): no copy per call.
    let arg_types = [TypeId::of::<Process>(), TypeId::of::<FnPtr>()];
    engine.register_js_borrowing_fn("nextTick", arg_types, |ctx, args| {
        let (Some(p), Some(f)) = (args[0].read_lock::<Process>(), args[1].read_lock::<FnPtr>()) else {
            let msg = "The \"callback\" argument must be of type function";
            return Err(error::throw(error::coded("TypeError", "ERR_INVALID_ARG_TYPE", msg)));
        };
        next_tick(&p.0, Callback::from_ref(&ctx, &f), vec![]);
        Ok(())
    });
    engine.register_fn("nextTick", |ctx: NativeCallContext, p: &mut Process, f: FnPtr, a: Dynamic| {
        next_tick(&p.0, Callback::new(&ctx, f), vec![a])
    });
    engine.register_fn("nextTick", |ctx: NativeCallContext, p: &mut Process, f: FnPtr, a: Dynamic, b: Dynamic| {
        next_tick(&p.0, Callback::new(&ctx, f), vec![a, b])
    });
    engine.register_fn(
        "nextTick",
        |ctx: NativeCallContext, p: &mut Process, f: FnPtr, a: Dynamic, b: Dynamic, c: Dynamic| {
            next_tick(&p.0, Callback::new(&ctx, f), vec![a, b, c])
        },
    );
    engine.register_fn("emitWarning", |p: &mut Process, w: Dynamic| {
        emit_warning(&p.0, &w, &Dynamic::UNIT, &Dynamic::UNIT)
    });
    engine.register_fn("emitWarning", |p: &mut Process, w: Dynamic, o: Dynamic| {
        emit_warning(&p.0, &w, &o, &Dynamic::UNIT)
    });
    engine.register_fn("emitWarning", |p: &mut Process, w: Dynamic, o: Dynamic, c: Dynamic| {
        emit_warning(&p.0, &w, &o, &c)
    });
    engine.register_fn("memoryUsage", |_: &mut Process| memory_usage());
    engine.register_fn("uptime", |p: &mut Process| p.0.started.elapsed().as_secs_f64());
    engine.register_fn("hrtime", |p: &mut Process| -> Array {
        let d = p.0.started.elapsed();
        vec![(d.as_secs() as i64).into(), (d.subsec_nanos() as i64).into()]
    });

    engine.register_indexer_get(|_: &mut Env, k: ImmutableString| env_get(&k));
    engine.register_indexer_set(|_: &mut Env, k: ImmutableString, v: Dynamic| env_set(&k, v));
    engine.register_fn("keys", |_: &mut Env| -> Array {
        environ::snapshot().into_iter().map(|(k, _)| Dynamic::from(k)).collect()
    });
    engine.register_fn("contains", |_: &mut Env, k: ImmutableString| -> Res<bool> {
        super::permission::env(&k)?;
        Ok(environ::get(&k).is_some())
    });
    engine.register_fn("remove", |_: &mut Env, k: ImmutableString| env_set(&k, Dynamic::UNIT));
    engine.register_fn("to_map", |_: &mut Env| -> Map {
        environ::snapshot().into_iter().map(|(k, v)| (k.into(), Dynamic::from(v))).collect()
    });

    // The card's short names.
    let s = st.clone();
    engine.register_fn("next_tick", move |ctx: NativeCallContext, f: FnPtr| {
        next_tick(&s, Callback::new(&ctx, f), vec![])
    });
    let s = st.clone();
    engine.register_fn("on_exit", move |ctx: NativeCallContext, f: FnPtr| {
        s.process.add("exit".into(), Callback::new(&ctx, f), false, false);
    });
    let (s, ev) = (st.clone(), events::state(st));
    engine.register_fn("on_signal", move |ctx: NativeCallContext, name: ImmutableString, f: FnPtr| -> Res<()> {
        let mut p = Process(s.clone());
        events::add(&ev, &ctx, &mut p, name, f, false, false).map(drop)
    });
}
