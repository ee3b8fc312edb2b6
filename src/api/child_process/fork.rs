//! `fork(modulePath, args?, options?)`: another procbox (or, with `execPath: "node"`,
//! a Node process) with the fork channel at stdio index 3, and the parent's side of
//! that channel on `ChildProcess`: `send`, `disconnect`, `connected`, `channel`.
//!
//! ```rhai
//! let child = fork("worker.rhai", ["--fast"]);
//! child.on("message", |msg| { print(msg); child.disconnect(); });
//! child.send(#{job: 1}, || print("written"));
//! let node_child = fork("child.js", [], #{execPath: "node"});
//! ```

use std::rc::Rc;

use rhai::{Array, Dynamic, Engine, FnPtr, Map, NativeCallContext};

use super::options::{self, Res, args_arg, file_arg, normalize, options_arg, thrown};
use super::{ChildProcess, ChildProcessModule, Children, start_spec};
use crate::api::ipc::Endpoint;
use crate::runtime::callback::Callback;

fn strings(v: &Dynamic, what: &str) -> Res<Vec<String>> {
    match v.read_lock::<Array>() {
        Some(a) => Ok(a.iter().map(|s| s.to_string()).collect()),
        None => Err(thrown(
            "TypeError",
            "ERR_INVALID_ARG_TYPE",
            format!("The \"options.{what}\" property must be an instance of Array"),
        )),
    }
}

/// The stdio a fork gets: `silent` pipes 0–2, otherwise they are inherited; a
/// `stdio` array of the script's own must hold `"ipc"`.
fn fork_stdio(opts: &Map) -> Res<Dynamic> {
    if let Some(v) = opts.get("stdio").filter(|v| !v.is_unit()) {
        let has_ipc = v.read_lock::<Array>().is_some_and(|a| a.iter().any(|s| s.is_string() && s.to_string() == "ipc"));
        if !has_ipc {
            let m = "Forked processes must have an IPC channel, missing value 'ipc' in options.stdio";
            return Err(thrown("Error", "ERR_CHILD_PROCESS_IPC_REQUIRED", m.into()));
        }
        return Ok(v.clone());
    }
    let silent = opts.get("silent").is_some_and(|v| v.as_bool().unwrap_or(false));
    let io = if silent { "pipe" } else { "inherit" };
    Ok(Dynamic::from_array(vec![io.into(), io.into(), io.into(), "ipc".into()]))
}

pub fn fork(ch: &Children, module: &Dynamic, a: &Dynamic, b: &Dynamic) -> Res<ChildProcess> {
    let module = file_arg(module, "modulePath")?;
    // The child procbox reads its script under the same (kernel-enforced) policy.
    crate::api::permission::path(crate::perm::Perm::Read, &module)?;
    let (args, mut opts) = if a.is_map() { (Vec::new(), options_arg(a)?) } else { (args_arg(a)?, options_arg(b)?) };
    let st = ch.st.clone();
    let exec_path = match opts.get("execPath").filter(|v| !v.is_unit()) {
        Some(v) => v.to_string(),
        None => st.exec_path.clone(),
    };
    // Only what the script asks for: procbox's own execArgv (`-e code`) would not
    // mean the same thing to the child.
    let exec_argv = match opts.get("execArgv").filter(|v| !v.is_unit()) {
        Some(v) => strings(v, "execArgv")?,
        None => Vec::new(),
    };
    if let Some(mode) = opts.get("serialization").filter(|v| !v.is_unit())
        && mode.to_string() != "json"
    {
        let m = format!("The property 'options.serialization' must be 'json' in procbox. Received '{mode}'");
        return Err(thrown("TypeError", "ERR_INVALID_ARG_VALUE", m));
    }
    let stdio = fork_stdio(&opts)?;
    opts.insert("stdio".into(), stdio);
    opts.remove("shell");
    let argv = exec_argv.into_iter().chain(std::iter::once(module)).chain(args).collect();
    let spec = normalize(&ch.st, exec_path, argv, &opts, options::SPAWN)?;
    start_spec(ch, &spec)
}

fn send(child: &ChildProcess, msg: Dynamic, handle: Option<Dynamic>, cb: Option<Callback>) -> Res<bool> {
    match child.channel() {
        Some(ep) => ep.send(&msg, handle.as_ref(), cb),
        None => Err(thrown(
            "TypeError",
            "ERR_IPC_NO_CHANNEL",
            "this child has no IPC channel (use fork or stdio 'ipc')".into(),
        )),
    }
}

/// `child.channel`: `ref()`/`unref()` of the parent's end.
#[derive(Clone)]
pub struct ChildChannel(Endpoint);

pub fn register(engine: &mut Engine, ch: &Rc<Children>) {
    for global in [false, true] {
        let ch = ch.clone();
        let f = move |a: Dynamic, b: Dynamic, c: Dynamic| fork(&ch, &a, &b, &c);
        let (f1, f2) = (f.clone(), f.clone());
        if global {
            engine.register_fn("fork", move |a: Dynamic| f1(a, Dynamic::UNIT, Dynamic::UNIT));
            engine.register_fn("fork", move |a: Dynamic, b: Dynamic| f2(a, b, Dynamic::UNIT));
            engine.register_fn("fork", f);
        } else {
            engine
                .register_fn("fork", move |_: &mut ChildProcessModule, a: Dynamic| f1(a, Dynamic::UNIT, Dynamic::UNIT));
            engine
                .register_fn("fork", move |_: &mut ChildProcessModule, a: Dynamic, b: Dynamic| f2(a, b, Dynamic::UNIT));
            engine
                .register_fn("fork", move |_: &mut ChildProcessModule, a: Dynamic, b: Dynamic, c: Dynamic| f(a, b, c));
        }
    }
    engine.register_type_with_name::<ChildChannel>("Channel");
    engine.register_fn("send", |c: &mut ChildProcess, msg: Dynamic| send(c, msg, None, None));
    engine.register_fn("send", |ctx: NativeCallContext, c: &mut ChildProcess, msg: Dynamic, f: FnPtr| {
        send(c, msg, None, Some(Callback::new(&ctx, f)))
    });
    engine.register_fn("send", |c: &mut ChildProcess, msg: Dynamic, handle: Dynamic| send(c, msg, Some(handle), None));
    engine.register_fn(
        "send",
        |ctx: NativeCallContext, c: &mut ChildProcess, msg: Dynamic, handle: Dynamic, f: FnPtr| {
            send(c, msg, Some(handle), Some(Callback::new(&ctx, f)))
        },
    );
    engine.register_fn("disconnect", |c: &mut ChildProcess| {
        if let Some(ep) = c.channel() {
            ep.disconnect();
        }
    });
    engine.register_get("channel", |c: &mut ChildProcess| {
        c.channel().map(|ep| Dynamic::from(ChildChannel(ep))).unwrap_or(Dynamic::UNIT)
    });
    engine.register_fn("ref", |ch: &mut ChildChannel| ch.0.set_want_ref(true));
    engine.register_fn("unref", |ch: &mut ChildChannel| ch.0.set_want_ref(false));
    // The card's `send(child, msg)` is the `&mut` form above: Rhai calls it for either
    // syntax, and a constant, shared or temporary `child` is passed as a copy. (A
    // by-value twin registered here had the same signature hash and replaced it, so
    // every `child.send(m)` copied the handle into a fresh box first.)
}
