//! The script surface: thin bindings, one file per area, registered here.
//! Globals (`process`, `console`, `Promise`, `JSON`, `Date`) are variables of one
//! global module, so they are visible in `fn` bodies, closures and imported modules.

pub mod assert;
pub mod buffer;
pub mod child_process;
pub mod console;
pub mod contain;
pub mod deferred;
pub mod events;
pub mod fs;
pub mod globals;
pub mod http;
pub mod ipc;
pub mod js;
pub mod net;
pub mod node_ipc;
pub mod os;
pub mod path;
pub mod permission;
pub mod pool;
pub mod process;
pub mod promise;
pub mod redis;
pub mod stdio;
pub mod stream_api;
pub mod stream_text;
pub mod string_decoder;
pub mod timers;
pub mod timers_promises;
pub mod util;
pub mod values;

use std::rc::Rc;

use rhai::{Dynamic, Engine, Module};

use crate::runtime::State;
use crate::runtime::promise::Promise;
use crate::value::js_number;

/// The modules `require(name)` returns.
static BUILTINS: &[globals::Builtin] = &[
    ("events", events::module),
    ("process", |st| Dynamic::from(process::Process(st.clone()))),
    ("child_process", child_process::module),
    ("net", net::module),
    ("http", http::module),
    ("node-ipc", node_ipc::module),
    ("redis", redis::module),
    ("os", os::module),
    ("path", path::module),
    ("fs", fs::module),
    ("fs/promises", fs::promises_module),
    ("util", util::module),
    ("assert", assert::module),
    ("timers/promises", timers_promises::module),
    ("buffer", buffer::module),
    ("string_decoder", string_decoder::module),
];

pub fn register(engine: &mut Engine, st: &Rc<State>) {
    process::register(engine, st);
    timers::register(engine, st);
    promise::register(engine, st);
    events::register_plain(engine, st);
    buffer::register(engine);
    values::register(engine);
    child_process::register(engine, st);
    contain::register(engine, st);
    net::register(engine, st);
    http::register(engine, st);
    globals::register(engine, st, BUILTINS);
    ipc::register(engine, st);
    // After ipc: a pool worker reports ready over the channel ipc adopted.
    pool::register(engine, st);
    node_ipc::register(engine, st);
    redis::register(engine, st);
    os::register(engine);
    path::register(engine);
    fs::register(engine, st);
    util::register(engine);
    assert::register(engine, st);
    timers_promises::register(engine);
    string_decoder::register(engine);
    js::register(engine);
    js::register_random(engine, st);
    let console = console::register(engine, st);
    let (stdout, stderr, stdin) = stdio::register(engine, st);
    engine.register_get("stdout", move |_: &mut process::Process| stdout.clone());
    engine.register_get("stderr", move |_: &mut process::Process| stderr.clone());
    engine.register_get("stdin", move |_: &mut process::Process| stdin.clone());

    let mut globals = Module::new();
    deferred::install(&mut globals, st);
    globals.set_var("process", process::Process(st.clone()));
    globals.set_var("console", console);
    globals.set_var("Promise", promise::statics(st));
    globals.set_var("JSON", globals::Json);
    globals.set_var("Date", globals::DateGlobal);
    globals.set_var("Buffer", buffer::BufferStatics);
    engine.register_global_module(globals.into());
}

/// How host types show in `console.log` and error reports.
pub fn describe(v: &Dynamic) -> Option<String> {
    if let Some(p) = v.read_lock::<Promise>() {
        return Some(p.describe(&describe));
    }
    if v.is::<process::Process>() {
        return Some("process".into());
    }
    fs::describe(v)
        .or_else(|| os::describe(v))
        .or_else(|| path::describe(v))
        .or_else(|| js::describe(v).map(String::from))
}

/// JavaScript's `String(v)` for the values scripts pass where text is expected.
pub fn to_text(v: &Dynamic) -> String {
    if v.is_unit() {
        "null".into()
    } else if let Ok(f) = v.as_float() {
        js_number(f)
    } else {
        v.to_string()
    }
}
