//! The arguments and options of the `child_process` functions, validated the way
//! Node's `normalizeSpawnArguments` does, with Node's error codes and messages. The
//! result is a core [`Command`] plus what the bindings need around it.
//!
//! ```rhai
//! spawn("ls", ["-l"], #{cwd: "/", env: #{PATH: "/bin"}, stdio: ["ignore", "pipe", "inherit"]});
//! spawn("echo $HOME", #{shell: true, timeout: 500, killSignal: "SIGKILL"});
//! ```

use rhai::{Array, Blob, Dynamic, EvalAltResult, Map};

use crate::api::process::Env;
use crate::api::stdio::{Stdin, Stdout};
use crate::child::{Command, Stdio};
use crate::runtime::State;
use crate::signals;
use crate::value::{encoding, error, js_number};

pub type Res<T> = Result<T, Box<EvalAltResult>>;

/// Node's default `maxBuffer` for exec and the sync functions.
pub const DEFAULT_MAX_BUFFER: usize = 1024 * 1024;

/// A thrown error map with a Node `code`.
pub fn thrown(name: &str, code: &str, message: String) -> Box<EvalAltResult> {
    error::throw(error::coded(name, code, &message))
}

/// How Node's messages show a received value (`type number (123)`).
pub fn received(v: &Dynamic) -> String {
    if v.is_unit() {
        "null".into()
    } else if v.is_string() {
        format!("type string ('{v}')")
    } else if let Ok(f) = v.as_float() {
        format!("type number ({})", js_number(f))
    } else if v.is_int() || v.is_bool() {
        format!("type {} ({v})", if v.is_int() { "number" } else { "boolean" })
    } else if v.is_array() {
        "an instance of Array".into()
    } else if v.is_map() {
        "an instance of Object".into()
    } else {
        format!("an instance of {}", v.type_name().rsplit("::").next().unwrap_or("Object"))
    }
}

fn invalid_type(what: &str, expected: &str, v: &Dynamic) -> Box<EvalAltResult> {
    thrown("TypeError", "ERR_INVALID_ARG_TYPE", format!("The {what} must be {expected}. Received {}", received(v)))
}

fn no_nul(s: &str, what: &str) -> Res<()> {
    if s.contains('\0') {
        let m = format!(
            "The argument '{what}' must be a string without null bytes. Received '{}'",
            s.replace('\0', "\\x00")
        );
        return Err(thrown("TypeError", "ERR_INVALID_ARG_VALUE", m));
    }
    Ok(())
}

/// The program or command string: a non-empty string without NUL bytes.
pub fn file_arg(v: &Dynamic, name: &str) -> Res<String> {
    if !v.is_string() {
        return Err(invalid_type(&format!("\"{name}\" argument"), "of type string", v));
    }
    let s = v.to_string();
    if s.is_empty() {
        return Err(thrown(
            "TypeError",
            "ERR_INVALID_ARG_VALUE",
            format!("The argument '{name}' cannot be empty. Received ''"),
        ));
    }
    no_nul(&s, name)?;
    Ok(s)
}

/// The `args` array (`()` is none); elements are turned into text as Node does.
pub fn args_arg(v: &Dynamic) -> Res<Vec<String>> {
    if v.is_unit() {
        return Ok(Vec::new());
    }
    let Some(a) = v.read_lock::<Array>() else {
        return Err(invalid_type("\"args\" argument", "of type object", v));
    };
    let args: Vec<String> = a.iter().map(crate::api::to_text).collect();
    for s in &args {
        no_nul(s, "args")?;
    }
    Ok(args)
}

/// The options map (`()` is none).
pub fn options_arg(v: &Dynamic) -> Res<Map> {
    if v.is_unit() {
        return Ok(Map::new());
    }
    v.read_lock::<Map>().map(|m| m.clone()).ok_or_else(|| invalid_type("\"options\" argument", "of type object", v))
}

/// Node's `convertToValidSignal`: a known name or number (0 is allowed by `kill`).
pub fn signal_arg(v: &Dynamic) -> Res<i32> {
    if v.is_unit() {
        return Ok(libc::SIGTERM);
    }
    let found = match v.as_int() {
        Ok(n) => i32::try_from(n).ok().filter(|&n| signals::name(n).is_some()),
        Err(_) if v.is_string() => signals::number(&v.to_string()),
        Err(_) => None,
    };
    found
        .ok_or_else(|| thrown("TypeError", "ERR_UNKNOWN_SIGNAL", format!("Unknown signal: {}", crate::api::to_text(v))))
}

/// A non-negative integer option (`timeout`), `None` when absent or 0.
fn unsigned(m: &Map, key: &str, label: &str) -> Res<Option<u64>> {
    let Some(v) = m.get(key).filter(|v| !v.is_unit()) else { return Ok(None) };
    let n = match (v.as_int(), v.as_float()) {
        (Ok(i), _) if i >= 0 => Some(i as u64),
        (_, Ok(f)) if f >= 0.0 && f.fract() == 0.0 && f.is_finite() => Some(f as u64),
        _ => None,
    };
    match n {
        Some(n) => Ok((n > 0).then_some(n)),
        None => Err(thrown(
            "RangeError",
            "ERR_OUT_OF_RANGE",
            format!(
                "The value of \"{label}\" is out of range. It must be an unsigned integer. Received {}",
                crate::api::to_text(v)
            ),
        )),
    }
}

fn string_opt(m: &Map, key: &str, expected: &str) -> Res<Option<String>> {
    match m.get(key).filter(|v| !v.is_unit()) {
        None => Ok(None),
        Some(v) if v.is_string() => {
            let s = v.to_string();
            no_nul(&s, &format!("options.{key}"))?;
            Ok(Some(s))
        }
        Some(v) => Err(invalid_type(&format!("\"options.{key}\" property"), expected, v)),
    }
}

fn id_opt(m: &Map, key: &str) -> Res<Option<u32>> {
    match m.get(key).filter(|v| !v.is_unit()) {
        None => Ok(None),
        Some(v) => match v.as_int().ok().and_then(|i| u32::try_from(i).ok()) {
            Some(i) => Ok(Some(i)),
            None => Err(invalid_type(&format!("\"options.{key}\" property"), "of type number", v)),
        },
    }
}

/// `env`: a map (`()` values dropped, others as text), `process.env`, or absent
/// (the current environment).
fn env_opt(m: &Map) -> Res<Vec<(String, String)>> {
    let Some(v) = m.get("env").filter(|v| !v.is_unit() && !v.is::<Env>()) else {
        return Ok(crate::sys::environ::snapshot());
    };
    let Some(map) = v.read_lock::<Map>() else {
        return Err(invalid_type("\"options.env\" property", "of type object", v));
    };
    let mut env = Vec::with_capacity(map.len());
    for (k, v) in map.iter().filter(|(_, v)| !v.is_unit()) {
        let v = crate::api::to_text(v);
        no_nul(k, "options.env")?;
        no_nul(&v, "options.env")?;
        env.push((k.to_string(), v));
    }
    Ok(env)
}

fn stdio_one(v: &Dynamic, i: usize) -> Res<Stdio> {
    if v.is_unit() {
        return Ok(if i < 3 { Stdio::Pipe } else { Stdio::Ignore });
    }
    if let Ok(fd) = v.as_int() {
        if fd >= 0 && fd <= i32::MAX as i64 {
            return Ok(Stdio::Fd(fd as i32));
        }
    } else if let Some(out) = v.read_lock::<Stdout>() {
        return Ok(Stdio::Fd(out.fd()));
    } else if v.is::<Stdin>() {
        return Ok(Stdio::Fd(0));
    } else if v.is_string() {
        match v.to_string().as_str() {
            // The fork channel: a socketpair at this index (see `ipc_index`).
            "pipe" | "overlapped" | "ipc" => return Ok(Stdio::Pipe),
            "inherit" => return Ok(Stdio::Inherit),
            "ignore" => return Ok(Stdio::Ignore),
            _ => {}
        }
    }
    Err(thrown(
        "TypeError",
        "ERR_INVALID_ARG_VALUE",
        format!("The argument 'stdio' is invalid. Received {}", quoted(v)),
    ))
}

fn quoted(v: &Dynamic) -> String {
    if v.is_string() { format!("'{v}'") } else { crate::api::to_text(v) }
}

/// Where `stdio` asks for the fork channel (`"ipc"`); two of them is an error.
fn ipc_index(m: &Map) -> Res<Option<usize>> {
    let Some(a) = m.get("stdio").and_then(|v| v.read_lock::<Array>().map(|a| a.clone())) else { return Ok(None) };
    let found: Vec<usize> =
        a.iter().enumerate().filter(|(_, v)| v.is_string() && v.to_string() == "ipc").map(|(i, _)| i).collect();
    if found.len() > 1 {
        return Err(thrown("Error", "ERR_IPC_ONE_PIPE", "Child process can have only one IPC pipe".into()));
    }
    Ok(found.first().copied())
}

/// `stdio`: one of the three words for all of 0–2, or an array (padded to three).
fn stdio_opt(m: &Map) -> Res<Vec<Stdio>> {
    let Some(v) = m.get("stdio").filter(|v| !v.is_unit()) else { return Ok(vec![Stdio::Pipe; 3]) };
    if v.is_string() {
        let one = stdio_one(v, 0).map_err(|_| {
            thrown(
                "TypeError",
                "ERR_INVALID_ARG_VALUE",
                format!("The argument 'stdio' is invalid. Received {}", quoted(v)),
            )
        })?;
        return Ok(vec![one; 3]);
    }
    let Some(a) = v.read_lock::<Array>() else {
        return Err(thrown(
            "TypeError",
            "ERR_INVALID_ARG_VALUE",
            format!("The argument 'stdio' is invalid. Received {}", received(v)),
        ));
    };
    let mut out = Vec::with_capacity(a.len().max(3));
    for i in 0..a.len().max(3) {
        out.push(stdio_one(a.get(i).unwrap_or(&Dynamic::UNIT), i)?);
    }
    Ok(out)
}

/// `maxBuffer`: a number ≥ 0 or `Infinity` (`None`).
fn max_buffer_opt(m: &Map, default: Option<usize>) -> Res<Option<usize>> {
    let Some(v) = m.get("maxBuffer").filter(|v| !v.is_unit()) else { return Ok(default) };
    let n = v.as_int().map(|i| i as f64).or_else(|_| v.as_float()).unwrap_or(f64::NAN);
    if n >= 0.0 {
        return Ok(n.is_finite().then_some(n as usize));
    }
    Err(thrown(
        "RangeError",
        "ERR_OUT_OF_RANGE",
        format!(
            "The value of \"options.maxBuffer\" is out of range. It must be a positive number. Received {}",
            crate::api::to_text(v)
        ),
    ))
}

/// The spawn input (sync functions): a string or a BLOB.
fn input_opt(m: &Map) -> Res<Option<Vec<u8>>> {
    match m.get("input").filter(|v| !v.is_unit()) {
        None => Ok(None),
        Some(v) if v.is_string() => Ok(Some(v.to_string().into_bytes())),
        Some(v) if v.is_blob() => Ok(v.read_lock::<Blob>().map(|b| b.clone())),
        Some(v) => Err(invalid_type("\"options.input\" property", "of type string or an instance of Buffer", v)),
    }
}

/// What differs between the functions: exec runs a shell, exec and the sync
/// functions have an output limit and an encoding.
#[derive(Clone, Copy)]
pub struct Defaults {
    pub shell: bool,
    pub max_buffer: Option<usize>,
    pub encoding: Option<&'static str>,
}

pub const SPAWN: Defaults = Defaults { shell: false, max_buffer: None, encoding: None };
pub const EXEC: Defaults = Defaults { shell: true, max_buffer: Some(DEFAULT_MAX_BUFFER), encoding: Some("utf8") };
pub const EXEC_FILE: Defaults = Defaults { shell: false, ..EXEC };
pub const SYNC: Defaults = Defaults { shell: false, max_buffer: Some(DEFAULT_MAX_BUFFER), encoding: None };
pub const EXEC_SYNC: Defaults = Defaults { shell: true, ..SYNC };

/// Everything a child_process function needs, normalized.
pub struct Spawn {
    pub cmd: Command,
    /// `spawnfile` and `spawnargs` (argv0 first), as the child is reported.
    pub file: String,
    pub args: Vec<String>,
    pub timeout: Option<u64>,
    pub kill_signal: i32,
    pub max_buffer: Option<usize>,
    /// `None` gives BLOBs.
    pub encoding: Option<&'static str>,
    pub input: Option<Vec<u8>>,
    /// Whether the script chose `stdio` itself (execSync then keeps stderr).
    pub stdio_given: bool,
    /// The stdio index of the fork channel, if any.
    pub ipc: Option<usize>,
    /// killTree, forceKillAfter, lifeline, limits, sandbox.pid.
    pub contain: super::contain::Opts,
}

/// Node's `normalizeSpawnArguments` plus the exec options.
pub fn normalize(st: &State, file: String, args: Vec<String>, opts: &Map, d: Defaults) -> Res<Spawn> {
    let cwd = string_opt(opts, "cwd", "of type string or an instance of Buffer or URL")?;
    let argv0 = string_opt(opts, "argv0", "of type string")?;
    let shell = match opts.get("shell").filter(|v| !v.is_unit()) {
        None => d.shell.then(|| "/bin/sh".to_string()),
        Some(v) if v.is_string() => Some(v.to_string()).filter(|s| !s.is_empty()),
        Some(v) => match v.as_bool() {
            Ok(b) => b.then(|| "/bin/sh".to_string()),
            Err(_) => return Err(invalid_type("\"options.shell\" property", "one of type boolean or string", v)),
        },
    };
    let timeout = unsigned(opts, "timeout", "timeout")?;
    let kill_signal = match opts.get("killSignal") {
        Some(v) if !v.is_unit() => signal_arg(v)?,
        _ => libc::SIGTERM,
    };
    let max_buffer = max_buffer_opt(opts, d.max_buffer)?;
    let encoding = match opts.get("encoding").filter(|v| !v.is_unit()) {
        None => d.encoding,
        // "buffer" and names Node does not know give BLOBs, as in Node.
        Some(v) => encoding::normalize(&v.to_string()),
    };
    let (file, mut args) = match shell {
        Some(sh) => {
            let command = std::iter::once(file).chain(args).collect::<Vec<_>>().join(" ");
            (sh, vec!["-c".to_string(), command])
        }
        None => (file, args),
    };
    args.insert(0, argv0.unwrap_or_else(|| file.clone()));
    let stdio = stdio_opt(opts)?;
    let ipc = ipc_index(opts)?;
    let mut env = env_opt(opts)?;
    if let Some(i) = ipc {
        // Node's handshake: the child finds its channel by these two variables.
        env.retain(|(k, _)| k != "NODE_CHANNEL_FD" && k != "NODE_CHANNEL_SERIALIZATION_MODE");
        env.push(("NODE_CHANNEL_FD".into(), i.to_string()));
        env.push(("NODE_CHANNEL_SERIALIZATION_MODE".into(), "json".into()));
    }
    let sandbox = super::sandbox::parse(opts)?;
    let contain = super::contain::parse(st, opts, sandbox.as_ref().unwrap_or(&Default::default()), &mut env)?;
    // After every change to `env`: it adds the policy variable and checks loader variables.
    let confine = super::permissions::apply(st, &file, &mut env, sandbox.as_ref())?;
    let cmd = Command {
        file: file.clone(),
        argv: args.clone(),
        env,
        cwd,
        stdio,
        detached: opts.get("detached").is_some_and(|v| v.as_bool().unwrap_or(false)),
        uid: id_opt(opts, "uid")?,
        gid: id_opt(opts, "gid")?,
        confine,
        contain: contain.contain.clone(),
    };
    Ok(Spawn {
        cmd,
        file,
        args,
        timeout,
        kill_signal,
        max_buffer,
        encoding,
        input: input_opt(opts)?,
        stdio_given: opts.get("stdio").is_some_and(|v| !v.is_unit()),
        ipc,
        contain,
    })
}
