//! `pool(script, options)`: checking the options and turning them into the core's
//! [`Config`] (microseconds) and the options every worker is forked with.
//!
//! ```rhai
//! let p = pool("worker.rhai", #{min: 1, max: 4, maxQueue: 100, taskTimeout: 5000,
//!                              maxTasksPerWorker: 1000, idleTimeout: 30000,
//!                              retries: 0, pipeline: 16, pipelineBudget: 2,
//!                              env: #{MODE: "fast"}, execArgv: []});
//! ```
//!
//! Unknown keys are refused rather than ignored: a misspelt `maxqueue` would
//! otherwise leave the queue unbounded without a word.

use rhai::{Array, Dynamic, EvalAltResult, Map};

use super::wire::WORKER_ENV;
use crate::api::process::Env;
use crate::pool::{Config, cpus};
use crate::value::error;

type Res<T> = Result<T, Box<EvalAltResult>>;

const KNOWN: &[&str] = &[
    "min",
    "max",
    "maxQueue",
    "taskTimeout",
    "maxTasksPerWorker",
    "idleTimeout",
    "env",
    "execArgv",
    "terminateTimeout",
    "pipeline",
    "pipelineBudget",
    "retries",
    // Containment (issue 14), passed on to every worker's fork.
    "killTree",
    "forceKillAfter",
    "lifeline",
    "limits",
    "sandbox",
];

pub struct Options {
    pub config: Config,
    /// `taskTimeout` as given, for the error message.
    pub task_timeout_ms: Option<f64>,
    /// What `fork(script, fork_options)` gets for each worker.
    pub fork: Map,
}

fn type_error(what: &str, expected: &str, v: &Dynamic) -> Box<EvalAltResult> {
    let m = format!("The \"options.{what}\" property must be {expected}. Received {}", received(v));
    error::throw(error::coded("TypeError", "ERR_INVALID_ARG_TYPE", &m))
}

fn range_error(what: &str, expected: &str, v: &Dynamic) -> Box<EvalAltResult> {
    let m = format!("The value of \"options.{what}\" is out of range. It must be {expected}. Received {v}");
    error::throw(error::coded("RangeError", "ERR_OUT_OF_RANGE", &m))
}

/// How Node's messages show a received value.
pub fn received(v: &Dynamic) -> String {
    if v.is_unit() {
        "null".into()
    } else if v.is_string() {
        format!("type string ('{v}')")
    } else if v.is_int() || v.is_float() {
        format!("type number ({})", crate::api::to_text(v))
    } else if v.is_bool() {
        format!("type boolean ({v})")
    } else if v.is_array() {
        "an instance of Array".into()
    } else {
        format!("an instance of {}", v.type_name().rsplit("::").next().unwrap_or("?"))
    }
}

/// A whole number `>= low`, or `None` when absent.
fn count(m: &Map, key: &str, low: i64) -> Res<Option<i64>> {
    let Some(v) = m.get(key).filter(|v| !v.is_unit()) else { return Ok(None) };
    let n = match (v.as_int(), v.as_float()) {
        (Ok(i), _) => i,
        (_, Ok(f)) if f.fract() == 0.0 && f.is_finite() => f as i64,
        (_, Ok(_)) => return Err(range_error(key, &format!("an integer >= {low}"), v)),
        _ => return Err(type_error(key, "of type number", v)),
    };
    if n < low {
        return Err(range_error(key, &format!(">= {low}"), v));
    }
    Ok(Some(n))
}

/// Milliseconds `> 0` (fractions allowed), or `None` when absent.
fn millis(m: &Map, key: &str) -> Res<Option<f64>> {
    let Some(v) = m.get(key).filter(|v| !v.is_unit()) else { return Ok(None) };
    let ms = match (v.as_int(), v.as_float()) {
        (Ok(i), _) => i as f64,
        (_, Ok(f)) => f,
        _ => return Err(type_error(key, "of type number", v)),
    };
    if !(ms > 0.0 && ms.is_finite()) {
        return Err(range_error(key, "a number of milliseconds > 0", v));
    }
    Ok(Some(ms))
}

fn micros(ms: f64) -> u64 {
    (ms * 1000.0).round() as u64
}

/// The worker's environment: the given one (a map or `process.env`) or ours, plus
/// the variable that makes the worker report ready.
fn worker_env(m: &Map) -> Res<Map> {
    let mut env = match m.get("env").filter(|v| !v.is_unit() && !v.is::<Env>()) {
        None => crate::sys::environ::snapshot().into_iter().map(|(k, v)| (k.into(), Dynamic::from(v))).collect(),
        Some(v) => v.read_lock::<Map>().map(|e| e.clone()).ok_or_else(|| type_error("env", "of type object", v))?,
    };
    // Its value is our pid: the worker checks its lifeline against it.
    env.insert(WORKER_ENV.into(), std::process::id().to_string().into());
    Ok(env)
}

pub fn parse(v: &Dynamic) -> Res<Options> {
    let m = match v {
        v if v.is_unit() => Map::new(),
        v => v.read_lock::<Map>().map(|m| m.clone()).ok_or_else(|| {
            let m = format!("The \"options\" argument must be of type object. Received {}", received(v));
            error::throw(error::coded("TypeError", "ERR_INVALID_ARG_TYPE", &m))
        })?,
    };
    if let Some(k) = m.keys().find(|k| !KNOWN.contains(&k.as_str())) {
        let msg = format!("Unknown pool option '{k}' (known: {})", KNOWN.join(", "));
        return Err(error::throw(error::coded("TypeError", "ERR_INVALID_ARG_VALUE", &msg)));
    }
    let min = count(&m, "min", 0)?.unwrap_or(0) as usize;
    let max = match count(&m, "max", 1)? {
        Some(n) => n as usize,
        None => cpus().max(min),
    };
    if min > max {
        return Err(range_error("min", &format!("<= max ({max})"), &m["min"]));
    }
    let mut config = Config::with_max(max);
    config.min = min;
    config.max_queue = count(&m, "maxQueue", 0)?.map(|n| n as usize);
    let task_timeout_ms = millis(&m, "taskTimeout")?;
    config.task_timeout = task_timeout_ms.map(micros);
    config.max_tasks_per_worker = count(&m, "maxTasksPerWorker", 1)?.map(|n| n as u64);
    config.idle_timeout = millis(&m, "idleTimeout")?.map(micros);
    if let Some(ms) = millis(&m, "terminateTimeout")? {
        config.kill_grace = micros(ms);
    }
    if let Some(n) = count(&m, "pipeline", 1)? {
        config.pipeline = n as usize;
    }
    if let Some(ms) = millis(&m, "pipelineBudget")? {
        config.pipeline_budget = micros(ms);
    }
    if let Some(n) = count(&m, "retries", 0)? {
        config.retries = n.min(u32::MAX as i64) as u32;
    }
    let mut fork_opts = Map::new();
    fork_opts.insert("env".into(), worker_env(&m)?.into());
    if let Some(v) = m.get("execArgv").filter(|v| !v.is_unit()) {
        let ok = v.read_lock::<Array>().is_some_and(|a| a.iter().all(|s| s.is_string()));
        if !ok {
            return Err(type_error("execArgv", "an array of strings", v));
        }
        fork_opts.insert("execArgv".into(), v.clone());
    }
    for k in crate::api::child_process::contain::KEYS {
        if let Some(v) = m.get(*k) {
            fork_opts.insert((*k).into(), v.clone());
        }
    }
    // Checked now, not at the first worker's start.
    crate::api::child_process::contain::check(&fork_opts)?;
    Ok(Options { config, task_timeout_ms, fork: fork_opts })
}
