//! `ipc.config`: node-ipc's settings, read and written as properties. The object is
//! shared: clients and servers read it live, as node-ipc's do (a changed `retry`
//! applies to the next reconnect).
//!
//! ```rhai
//! let ipc = require("node-ipc");
//! ipc.config.id = "world";
//! ipc.config.retry = 1500;
//! ipc.config["maxRetries"] = 3;
//! ipc.config.maxFrameSize = 1024 * 1024;   // procbox's receive cap (default 16 MiB)
//! ipc.config.socketMode = 0o660;          // procbox's: the socket file's mode (default 0o600)
//! print(ipc.config.socketRoot + ipc.config.appspace + ipc.config.id);
//! ```
//!
//! Every property goes through one indexer (Rhai falls back to it for `config.x`), so
//! keys node-ipc has and procbox ignores (`logDepth`, `logInColor`, …) and a
//! script's own keys are kept too; a key asking for what procbox does not do (`tls`,
//! `sync`) is refused rather than silently ignored.

use std::cell::RefCell;
use std::rc::Rc;

use rhai::{Dynamic, Engine, EvalAltResult, ImmutableString, Map, NativeCallContext};

use super::errors;
use crate::nodeipc::config::Config;
use crate::runtime::callback::Callback;
use crate::value::{encoding, error};

type Res<T> = Result<T, Box<EvalAltResult>>;

/// The script's handle on one instance's config.
#[derive(Clone)]
pub struct IpcConfig {
    pub cfg: Rc<RefCell<Config>>,
    /// Keys procbox does not interpret, kept as set.
    extra: Rc<RefCell<Map>>,
    /// `config.logger`: where `ipc.log` writes instead of stdout.
    pub logger: Rc<RefCell<Option<Callback>>>,
}

impl IpcConfig {
    pub fn new() -> IpcConfig {
        IpcConfig {
            cfg: Rc::new(RefCell::new(Config::default())),
            extra: Rc::new(RefCell::new(Map::new())),
            logger: Rc::new(RefCell::new(None)),
        }
    }

    pub fn get(&self, key: &str) -> Dynamic {
        let c = self.cfg.borrow();
        match key {
            "id" => c.id.clone().into(),
            "appspace" => c.appspace.clone().into(),
            "socketRoot" => c.socket_root.clone().into(),
            "networkHost" => c.network_host.clone().into(),
            "networkPort" => (c.network_port as i64).into(),
            "retry" => (c.retry as i64).into(),
            "maxRetries" => match c.max_retries {
                Some(n) => (n as i64).into(),
                None => f64::INFINITY.into(),
            },
            "stopRetrying" => c.stop_retrying.into(),
            "maxConnections" => (c.max_connections as i64).into(),
            "silent" => c.silent.into(),
            "rawBuffer" => c.raw_buffer.into(),
            "encoding" => c.encoding.into(),
            "delimiter" => c.delimiter.clone().into(),
            "unlink" => c.unlink.into(),
            "maxFrameSize" => (c.max_frame_size as i64).into(),
            "socketMode" => (c.socket_mode as i64).into(),
            "logger" => {
                self.logger.borrow().as_ref().map(|cb| Dynamic::from(cb.fn_ptr().clone())).unwrap_or(Dynamic::UNIT)
            }
            _ => self.extra.borrow().get(key).cloned().unwrap_or(Dynamic::UNIT),
        }
    }

    pub fn set(&self, ctx: &NativeCallContext, key: &str, v: Dynamic) -> Res<()> {
        let mut c = self.cfg.borrow_mut();
        match key {
            "id" => c.id = text(key, &v)?,
            "appspace" => c.appspace = text(key, &v)?,
            "socketRoot" => c.socket_root = text(key, &v)?,
            "networkHost" => c.network_host = text(key, &v)?,
            "networkPort" => c.network_port = whole(key, &v, 65535)? as u16,
            "retry" => c.retry = whole(key, &v, u32::MAX as u64)?,
            "maxRetries" => c.max_retries = max_retries(&v)?,
            "stopRetrying" => c.stop_retrying = truthy(&v),
            "maxConnections" => c.max_connections = whole(key, &v, u32::MAX as u64)? as usize,
            "silent" => c.silent = flag(key, &v)?,
            "rawBuffer" => c.raw_buffer = flag(key, &v)?,
            "unlink" => c.unlink = flag(key, &v)?,
            "encoding" => {
                let name = text(key, &v)?;
                c.encoding = encoding::normalize(&name).ok_or_else(|| {
                    error::throw(error::coded(
                        "TypeError",
                        "ERR_UNKNOWN_ENCODING",
                        &format!("Unknown encoding: {name}"),
                    ))
                })?;
            }
            "delimiter" => {
                let d = text(key, &v)?;
                if d.is_empty() {
                    return Err(errors::arg_value("config.delimiter", "must not be empty"));
                }
                c.delimiter = d;
            }
            "maxFrameSize" => {
                let n = whole(key, &v, u32::MAX as u64)?;
                if n == 0 {
                    return Err(errors::arg_value("config.maxFrameSize", "must be at least 1"));
                }
                c.max_frame_size = n as usize;
            }
            "socketMode" => c.socket_mode = whole(key, &v, 0o777)? as u32,
            "logger" => {
                drop(c);
                *self.logger.borrow_mut() = v.try_cast::<rhai::FnPtr>().map(|f| Callback::new(ctx, f));
            }
            "tls" | "sync" if truthy(&v) => {
                return Err(error::throw(error::coded(
                    "Error",
                    "ERR_FEATURE_UNAVAILABLE",
                    &format!("config.{key} is not supported by procbox's node-ipc"),
                )));
            }
            _ => {
                drop(c);
                self.extra.borrow_mut().insert(key.into(), v);
            }
        }
        Ok(())
    }
}

fn text(key: &str, v: &Dynamic) -> Res<String> {
    if v.is_string() {
        return Ok(v.clone().into_string().unwrap_or_default());
    }
    if let Ok(i) = v.as_int() {
        return Ok(i.to_string());
    }
    Err(errors::arg_type(&format!("config.{key}"), "a string", v))
}

fn flag(key: &str, v: &Dynamic) -> Res<bool> {
    v.as_bool().map_err(|_| errors::arg_type(&format!("config.{key}"), "a boolean", v))
}

/// JavaScript truthiness for the flags node-ipc tests with `if (x)`.
fn truthy(v: &Dynamic) -> bool {
    if let Ok(b) = v.as_bool() {
        b
    } else if let Ok(i) = v.as_int() {
        i != 0
    } else if let Ok(f) = v.as_float() {
        f != 0.0 && !f.is_nan()
    } else if v.is_string() {
        !v.clone().into_string().unwrap_or_default().is_empty()
    } else {
        !v.is_unit()
    }
}

/// A whole number in `0..=max` (an integral float too).
fn whole(key: &str, v: &Dynamic, max: u64) -> Res<u64> {
    let n = if let Ok(i) = v.as_int() {
        i as f64
    } else if let Ok(f) = v.as_float() {
        f
    } else {
        return Err(errors::arg_type(&format!("config.{key}"), "a number", v));
    };
    if n.fract() != 0.0 || !(0.0..=max as f64).contains(&n) {
        return Err(errors::arg_value(&format!("config.{key}"), &format!("must be an integer from 0 to {max}")));
    }
    Ok(n as u64)
}

/// A count, `Infinity` (unlimited), or `false` (none, as node-ipc's `maxRetries||0`).
fn max_retries(v: &Dynamic) -> Res<Option<u64>> {
    if let Ok(f) = v.as_float()
        && f == f64::INFINITY
    {
        return Ok(None);
    }
    if v.as_bool() == Ok(false) {
        return Ok(Some(0));
    }
    whole("maxRetries", v, u32::MAX as u64).map(Some)
}

pub fn register(engine: &mut Engine) {
    engine.register_type_with_name::<IpcConfig>("IpcConfig");
    engine.register_indexer_get(|c: &mut IpcConfig, key: ImmutableString| c.get(&key));
    engine.register_indexer_set(|ctx: NativeCallContext, c: &mut IpcConfig, key: ImmutableString, v: Dynamic| {
        c.set(&ctx, &key, v)
    });
    engine.register_fn("toMap", |c: &mut IpcConfig| -> Map {
        const KEYS: [&str; 16] = [
            "id",
            "appspace",
            "socketRoot",
            "networkHost",
            "networkPort",
            "retry",
            "maxRetries",
            "stopRetrying",
            "maxConnections",
            "silent",
            "rawBuffer",
            "encoding",
            "delimiter",
            "unlink",
            "maxFrameSize",
            "socketMode",
        ];
        let mut m: Map = c.extra.borrow().clone();
        for k in KEYS {
            m.insert(k.into(), c.get(k));
        }
        m
    });
}
