//! `require("os")`: the machine as Node's `os` module reports it (core in
//! `crate::sys::host`).
//!
//! ```rhai
//! let os = require("os");
//! let cpuNum = os.cpus().len();          // the seed's pool size
//! print(`${os.platform()} ${os.arch()} ${os.hostname()} ${os.totalmem()}`);
//! print(os.constants.signals.SIGTERM);    // 15
//! ```

use std::rc::Rc;

use rhai::{Array, Dynamic, Engine, EvalAltResult, Map};

use crate::runtime::State;
use crate::sys::{errno, host};
use crate::value::error;

/// What `require("os")` returns.
#[derive(Clone)]
pub struct OsModule;

fn cpus() -> Array {
    host::cpus()
        .into_iter()
        .map(|c| {
            let mut times = Map::new();
            for (k, v) in [("user", c.user), ("nice", c.nice), ("sys", c.sys), ("idle", c.idle), ("irq", c.irq)] {
                times.insert(k.into(), v.into());
            }
            let mut m = Map::new();
            m.insert("model".into(), c.model.into());
            m.insert("speed".into(), c.speed.into());
            m.insert("times".into(), times.into());
            m.into()
        })
        .collect()
}

fn user_info() -> Result<Map, Box<EvalAltResult>> {
    let Some(u) = host::user_info() else {
        let mut e = error::syscall("uv_os_get_passwd", crate::sys::errno::Errno::ENOENT);
        e.insert("name".into(), "SystemError".into());
        e.insert("code".into(), "ERR_SYSTEM_ERROR".into());
        e.insert(
            "message".into(),
            "A system error occurred: uv_os_get_passwd returned ENOENT (no such file or directory)".into(),
        );
        return Err(error::throw(e));
    };
    let mut m = Map::new();
    m.insert("uid".into(), u.uid.into());
    m.insert("gid".into(), u.gid.into());
    m.insert("username".into(), u.username.into());
    m.insert("homedir".into(), u.homedir.into());
    m.insert("shell".into(), u.shell.map(Dynamic::from).unwrap_or(Dynamic::UNIT));
    Ok(m)
}

fn constants() -> Map {
    let mut signals = Map::new();
    for (name, n) in crate::signals::all() {
        signals.insert((*name).into(), (*n as i64).into());
    }
    let mut errnos = Map::new();
    for (name, n) in errno::CONSTANTS {
        errnos.insert((*name).into(), (*n as i64).into());
    }
    let mut priority = Map::new();
    for (name, n) in [
        ("PRIORITY_LOW", 19),
        ("PRIORITY_BELOW_NORMAL", 10),
        ("PRIORITY_NORMAL", 0),
        ("PRIORITY_ABOVE_NORMAL", -7),
        ("PRIORITY_HIGH", -14),
        ("PRIORITY_HIGHEST", -20),
    ] {
        priority.insert(name.into(), (n as i64).into());
    }
    let mut m = Map::new();
    m.insert("signals".into(), signals.into());
    m.insert("errno".into(), errnos.into());
    m.insert("priority".into(), priority.into());
    m
}

pub fn register(engine: &mut Engine) {
    engine.register_type_with_name::<OsModule>("OsModule");
    engine.register_fn("cpus", |_: &mut OsModule| cpus());
    engine.register_fn("availableParallelism", |_: &mut OsModule| host::available_parallelism());
    engine.register_fn("totalmem", |_: &mut OsModule| host::total_memory());
    engine.register_fn("freemem", |_: &mut OsModule| host::free_memory());
    engine.register_fn("loadavg", |_: &mut OsModule| -> Array {
        host::loadavg().iter().map(|&l| Dynamic::from_float(l)).collect()
    });
    engine.register_fn("uptime", |_: &mut OsModule| host::uptime());
    engine.register_fn("hostname", |_: &mut OsModule| host::uname()[1].clone());
    engine.register_fn("platform", |_: &mut OsModule| "linux".to_string());
    engine.register_fn("type", |_: &mut OsModule| host::uname()[0].clone());
    engine.register_fn("release", |_: &mut OsModule| host::uname()[2].clone());
    engine.register_fn("version", |_: &mut OsModule| host::uname()[3].clone());
    engine.register_fn("machine", |_: &mut OsModule| host::uname()[4].clone());
    engine.register_fn("arch", |_: &mut OsModule| host::arch().to_string());
    engine.register_fn("endianness", |_: &mut OsModule| {
        if cfg!(target_endian = "little") { "LE" } else { "BE" }.to_string()
    });
    engine.register_fn("tmpdir", |_: &mut OsModule| host::tmpdir());
    engine.register_fn("homedir", |_: &mut OsModule| host::homedir());
    engine.register_fn("userInfo", |_: &mut OsModule| user_info());
    engine.register_fn("userInfo", |_: &mut OsModule, _opts: Dynamic| user_info());
    engine.register_get("EOL", |_: &mut OsModule| "\n".to_string());
    engine.register_get("devNull", |_: &mut OsModule| "/dev/null".to_string());
    engine.register_get("constants", |_: &mut OsModule| constants());
    engine.register_fn("to_string", |_: &mut OsModule| "[object os]".to_string());
}

/// How `console.log` shows the module.
pub fn describe(v: &Dynamic) -> Option<String> {
    v.is::<OsModule>().then(|| "[module os]".to_string())
}

/// The object `require("os")` returns.
pub fn module(_st: &Rc<State>) -> Dynamic {
    Dynamic::from(OsModule)
}
