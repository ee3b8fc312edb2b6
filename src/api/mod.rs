//! The script surface: thin bindings, one file per area, registered here.
//! Globals (`process`, `console`, `Promise`, `JSON`, `Date`) are variables of one
//! global module, so they are visible in `fn` bodies, closures and imported modules.

pub mod buffer;
pub mod child_process;
pub mod console;
pub mod events;
pub mod globals;
pub mod http;
pub mod ipc;
pub mod js;
pub mod net;
pub mod node_ipc;
pub mod pool;
pub mod process;
pub mod promise;
pub mod stdio;
pub mod timers;

use std::rc::Rc;

use rhai::{Dynamic, Engine, Module};

use crate::runtime::State;
use crate::runtime::promise::Promise;
use crate::value::js_number;

/// The modules `require(name)` returns.
static BUILTINS: &[globals::Builtin] = &[
    ("events", |_| Dynamic::from(events::EventsModule)),
    ("process", |st| Dynamic::from(process::Process(st.clone()))),
    ("child_process", child_process::module),
    ("net", net::module),
    ("http", http::module),
    ("node-ipc", node_ipc::module),
];

pub fn register(engine: &mut Engine, st: &Rc<State>) {
    process::register(engine, st);
    timers::register(engine, st);
    promise::register(engine, st);
    events::register_plain(engine);
    buffer::register(engine);
    child_process::register(engine, st);
    net::register(engine, st);
    http::register(engine, st);
    globals::register(engine, st, BUILTINS);
    ipc::register(engine, st);
    // After ipc: a pool worker reports ready over the channel ipc adopted.
    pool::register(engine, st);
    node_ipc::register(engine);
    js::register(engine);
    let console = console::register(engine, st);
    let (stdout, stderr, stdin) = stdio::register(engine, st);
    engine.register_get("stdout", move |_: &mut process::Process| stdout.clone());
    engine.register_get("stderr", move |_: &mut process::Process| stderr.clone());
    engine.register_get("stdin", move |_: &mut process::Process| stdin.clone());

    let mut globals = Module::new();
    globals.set_var("process", process::Process(st.clone()));
    globals.set_var("console", console);
    globals.set_var("Promise", promise::statics(st));
    globals.set_var("JSON", globals::Json);
    globals.set_var("Date", globals::DateGlobal);
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
    if let Some(name) = js::describe(v) {
        return Some(name.into());
    }
    None
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
