//! node-redis's camelCase command methods: how each one's arguments become a Redis
//! command, and how its reply is shaped. Arguments flatten as node-redis's do
//! (arrays spread, numbers as text, Buffers as bytes); the options maps (`set`'s
//! `#{EX, PX, NX, XX}`, `scan`'s `#{MATCH, COUNT}`, the streams' `#{COUNT, BLOCK}`…)
//! are read per command. Everything else goes through `sendCommand([…])`.

use rhai::{Blob, Dynamic, EvalAltResult, Map};

use super::reply::Shape;
use crate::value::error;

type Res<T> = Result<T, Box<EvalAltResult>>;

/// How a method's arguments are laid out.
#[derive(Clone, Copy)]
enum Form {
    /// Every argument flattened after the verb.
    Flat,
    /// `set(key, value, options?)`.
    Set,
    /// `hSet(key, #{field: value})` or `hSet(key, field, value)`; `xAdd(key, id, #{…})`.
    FieldMap,
    /// `zAdd(key, #{score, value} | [#{score, value}…])`.
    ZAdd,
    /// `brPop(keys, timeout)`.
    Blocking,
    /// `xRead(#{key, id} | [..], options?)`; `xReadGroup(group, consumer, streams, options?)`.
    XRead { group: bool },
    /// `xGroupCreate(key, group, id, #{MKSTREAM})`.
    GroupCreate,
    /// Flat, then a trailing options map of `NAME: value` pairs (`scan`, `xAutoClaim`).
    FlatOptions,
}

/// (method, verb, layout, reply shape)
static TABLE: &[(&str, &str, Form, Shape)] = &[
    ("get", "GET", Form::Flat, Shape::Raw),
    ("set", "SET", Form::Set, Shape::Raw),
    ("del", "DEL", Form::Flat, Shape::Raw),
    ("exists", "EXISTS", Form::Flat, Shape::Raw),
    ("incr", "INCR", Form::Flat, Shape::Raw),
    ("incrBy", "INCRBY", Form::Flat, Shape::Raw),
    ("decr", "DECR", Form::Flat, Shape::Raw),
    ("expire", "EXPIRE", Form::Flat, Shape::Raw),
    ("ttl", "TTL", Form::Flat, Shape::Raw),
    ("hSet", "HSET", Form::FieldMap, Shape::Raw),
    ("hGet", "HGET", Form::Flat, Shape::Raw),
    ("hGetAll", "HGETALL", Form::Flat, Shape::Pairs),
    ("hDel", "HDEL", Form::Flat, Shape::Raw),
    ("lPush", "LPUSH", Form::Flat, Shape::Raw),
    ("rPush", "RPUSH", Form::Flat, Shape::Raw),
    ("lPop", "LPOP", Form::Flat, Shape::Raw),
    ("rPop", "RPOP", Form::Flat, Shape::Raw),
    ("lLen", "LLEN", Form::Flat, Shape::Raw),
    ("brPop", "BRPOP", Form::Blocking, Shape::KeyElement),
    ("blPop", "BLPOP", Form::Blocking, Shape::KeyElement),
    ("lRange", "LRANGE", Form::Flat, Shape::Raw),
    ("sAdd", "SADD", Form::Flat, Shape::Raw),
    ("sMembers", "SMEMBERS", Form::Flat, Shape::Raw),
    ("zAdd", "ZADD", Form::ZAdd, Shape::Raw),
    ("zRange", "ZRANGE", Form::Flat, Shape::Raw),
    ("xAdd", "XADD", Form::FieldMap, Shape::Raw),
    ("xLen", "XLEN", Form::Flat, Shape::Raw),
    ("xRead", "XREAD", Form::XRead { group: false }, Shape::Streams),
    ("xReadGroup", "XREADGROUP", Form::XRead { group: true }, Shape::Streams),
    ("xAck", "XACK", Form::Flat, Shape::Raw),
    ("xGroupCreate", "XGROUP", Form::GroupCreate, Shape::Raw),
    ("xAutoClaim", "XAUTOCLAIM", Form::FlatOptions, Shape::AutoClaim),
    ("xPending", "XPENDING", Form::Flat, Shape::Pending),
    ("xDel", "XDEL", Form::Flat, Shape::Raw),
    ("publish", "PUBLISH", Form::Flat, Shape::Raw),
    ("keys", "KEYS", Form::Flat, Shape::Raw),
    ("scan", "SCAN", Form::FlatOptions, Shape::Scan),
    ("flushDb", "FLUSHDB", Form::Flat, Shape::Raw),
    ("flushAll", "FLUSHALL", Form::Flat, Shape::Raw),
    ("ping", "PING", Form::Flat, Shape::Raw),
    ("echo", "ECHO", Form::Flat, Shape::Raw),
    ("dbSize", "DBSIZE", Form::Flat, Shape::Raw),
    ("mGet", "MGET", Form::Flat, Shape::Raw),
    ("append", "APPEND", Form::Flat, Shape::Raw),
];

/// The method names, for registration.
pub fn names() -> impl Iterator<Item = &'static str> {
    TABLE.iter().map(|t| t.0)
}

/// One argument's bytes: strings as UTF-8, Buffers as they are, numbers as text.
pub fn bytes_of(v: &Dynamic) -> Res<Vec<u8>> {
    if let Some(b) = v.read_lock::<Blob>() {
        return Ok(b.clone());
    }
    if v.is_string() || v.is_int() || v.is_float() || v.is_bool() {
        return Ok(crate::api::to_text(v).into_bytes());
    }
    let msg = format!("Invalid argument type: {}", v.type_name());
    Err(error::throw(error::error("TypeError", &msg, None)))
}

/// Arrays spread, maps become field/value pairs, the rest one argument each.
pub fn flatten(v: &Dynamic, out: &mut Vec<Vec<u8>>) -> Res<()> {
    if let Some(a) = v.read_lock::<rhai::Array>() {
        for x in a.iter() {
            flatten(x, out)?;
        }
        return Ok(());
    }
    if let Some(m) = v.read_lock::<Map>() {
        for (k, x) in m.iter() {
            out.push(k.as_bytes().to_vec());
            out.push(bytes_of(x)?);
        }
        return Ok(());
    }
    out.push(bytes_of(v)?);
    Ok(())
}

fn word(s: &str) -> Vec<u8> {
    s.as_bytes().to_vec()
}

/// `#{EX: 10, NX: true}` as `EX 10 NX`: a `true` value is a bare flag, `false` or
/// `()` is left out, anything else is the flag then its value.
fn options(v: Option<&Dynamic>, out: &mut Vec<Vec<u8>>) -> Res<()> {
    let Some(m) = v.and_then(|v| v.read_lock::<Map>().map(|m| m.clone())) else { return Ok(()) };
    for (k, x) in m.iter() {
        if x.is_unit() || x.as_bool() == Ok(false) {
            continue;
        }
        out.push(k.as_bytes().to_vec());
        if x.as_bool() != Ok(true) {
            out.push(bytes_of(x)?);
        }
    }
    Ok(())
}

fn stream_specs(v: &Dynamic) -> Vec<(Dynamic, Dynamic)> {
    let one = |d: &Dynamic| {
        d.read_lock::<Map>()
            .map(|m| (m.get("key").cloned().unwrap_or_default(), m.get("id").cloned().unwrap_or_default()))
    };
    match v.read_lock::<rhai::Array>() {
        Some(a) => a.iter().filter_map(one).collect(),
        None => one(v).into_iter().collect(),
    }
}

/// The command for `method(args…)`, and how to shape its reply.
pub fn build(method: &str, args: &[Dynamic]) -> Res<(Vec<Vec<u8>>, Shape)> {
    let &(_, verb, form, shape) = TABLE.iter().find(|t| t.0 == method).expect("only registered methods are built");
    let mut out = vec![word(verb)];
    let last_map = args.last().is_some_and(|a| a.is_map());
    match form {
        Form::Flat => {
            for a in args {
                flatten(a, &mut out)?;
            }
        }
        Form::Set => {
            for a in args.iter().take(2) {
                out.push(bytes_of(a)?);
            }
            options(args.get(2), &mut out)?;
        }
        Form::FieldMap | Form::ZAdd if args.is_empty() => {}
        Form::FieldMap => {
            for a in args {
                flatten(a, &mut out)?;
            }
        }
        Form::ZAdd => {
            out.push(bytes_of(&args[0])?);
            let members = args.get(1).cloned().unwrap_or_default();
            let list = match members.read_lock::<rhai::Array>() {
                Some(a) => a.clone(),
                None => vec![members.clone()],
            };
            for m in list {
                let m = m.read_lock::<Map>().map(|m| m.clone()).unwrap_or_default();
                out.push(bytes_of(&m.get("score").cloned().unwrap_or_default())?);
                out.push(bytes_of(&m.get("value").cloned().unwrap_or_default())?);
            }
        }
        Form::Blocking | Form::FlatOptions => {
            let n = if last_map && matches!(form, Form::FlatOptions) { args.len() - 1 } else { args.len() };
            for a in &args[..n] {
                flatten(a, &mut out)?;
            }
            if n < args.len() {
                options(args.last(), &mut out)?;
            }
        }
        Form::XRead { group } => {
            let mut rest = args;
            if group {
                out.push(word("GROUP"));
                for a in args.iter().take(2) {
                    out.push(bytes_of(a)?);
                }
                rest = &args[2.min(args.len())..];
            }
            options(rest.get(1), &mut out)?;
            out.push(word("STREAMS"));
            let specs = stream_specs(&rest.first().cloned().unwrap_or_default());
            for (k, _) in &specs {
                out.push(bytes_of(k)?);
            }
            for (_, id) in &specs {
                out.push(bytes_of(id)?);
            }
        }
        Form::GroupCreate => {
            out.push(word("CREATE"));
            let n = if last_map { args.len() - 1 } else { args.len() };
            for a in &args[..n] {
                out.push(bytes_of(a)?);
            }
            if n < args.len() {
                options(args.last(), &mut out)?;
            }
        }
    }
    Ok((out, shape))
}
