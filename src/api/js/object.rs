//! The `Object` and `Array` globals: `Object.keys`, `values`, `entries`, `assign`,
//! `fromEntries`; `Array.isArray`, `Array.from`, `Array.of`.
//!
//! ```rhai
//! let m = #{b: 2, a: 1};
//! Object.keys(m);                              // ["a", "b"]
//! Object.entries(m).map(|e| `${e[0]}=${e[1]}`);  // ["a=1", "b=2"]
//! let all = Object.assign(#{}, m, #{c: 3});    // #{a: 1, b: 2, c: 3}
//! Array.from(#{length: 3}, |x, i| i * i);      // [0, 1, 4]
//! ```
//!
//! A Rhai map keeps its keys sorted, so keys come in that order, not in insertion
//! order as in JS. `Object.assign` returns the merged map; its first argument is a
//! copy (a procbox map is a value), so use the result: `o = Object.assign(o, more)`.

use rhai::{Array, Blob, Dynamic, Engine, EvalAltResult, FnPtr, INT, Map, NativeCallContext};

use super::call::Callback;
use super::to_js_string;

type Res<T> = Result<T, Box<EvalAltResult>>;
type ExclusiveRange = std::ops::Range<INT>;
type InclusiveRange = std::ops::RangeInclusive<INT>;

/// The `Object` global.
#[derive(Clone)]
pub struct ObjectGlobal;

/// The `Array` global.
#[derive(Clone)]
pub struct ArrayGlobal;

/// A host object with a `to_map()` (`process.env`) as that map; anything else as is.
fn plain(ctx: &NativeCallContext, v: Dynamic) -> Dynamic {
    if v.is_map() || v.is_array() || v.is_string() || v.is_unit() || v.is_int() || v.is_float() {
        return v;
    }
    ctx.call_native_fn::<Map>("to_map", (v.clone(),)).map(Dynamic::from_map).unwrap_or(v)
}

/// Keys as JS lists them: a map's keys, an array's or a string's indexes as strings.
fn keys(v: &Dynamic) -> Vec<String> {
    if let Some(m) = v.read_lock::<Map>() {
        m.keys().map(|k| k.to_string()).collect()
    } else if let Some(a) = v.read_lock::<Array>() {
        (0..a.len()).map(|i| i.to_string()).collect()
    } else if let Some(s) = v.read_lock::<rhai::ImmutableString>() {
        (0..crate::value::text::len(&s)).map(|i| i.to_string()).collect()
    } else {
        Vec::new()
    }
}

fn values(v: &Dynamic) -> Array {
    if let Some(m) = v.read_lock::<Map>() {
        m.values().cloned().collect()
    } else if let Some(a) = v.read_lock::<Array>() {
        a.clone()
    } else if let Some(s) = v.read_lock::<rhai::ImmutableString>() {
        s.chars().map(Dynamic::from).collect()
    } else {
        Array::new()
    }
}

fn entries(v: &Dynamic) -> Array {
    keys(v).into_iter().zip(values(v)).map(|(k, v)| Dynamic::from_array(vec![k.into(), v])).collect()
}

fn assign(target: Map, sources: &[Dynamic]) -> Map {
    let mut out = target;
    for s in sources {
        if let Some(m) = s.read_lock::<Map>() {
            out.extend(m.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
    }
    out
}

fn from_entries(v: &Dynamic) -> Map {
    if let Some(m) = v.read_lock::<Map>() {
        return m.clone();
    }
    let mut out = Map::new();
    for e in values(v) {
        if let Some(pair) = e.read_lock::<Array>() {
            let key = pair.first().map(to_js_string).unwrap_or_else(|| "undefined".into());
            out.insert(key.into(), pair.get(1).cloned().unwrap_or(Dynamic::UNIT));
        }
    }
    out
}

/// The items `Array.from(v)` walks: an array's, a string's characters, a range's
/// numbers, a Buffer's bytes, or `length` unset slots of an array-like map.
/// JS's longest array (2^32 - 1): a longer `Array.from` is "Invalid array length",
/// where building it would abort procbox (capacity overflow or out of memory).
const MAX_ARRAY: usize = u32::MAX as usize;

fn items(v: &Dynamic) -> Result<Array, Box<EvalAltResult>> {
    let too_long =
        || crate::value::error::throw(crate::value::error::error("RangeError", "Invalid array length", None));
    if let Some(r) = v.read_lock::<ExclusiveRange>() {
        if r.size_hint().1.is_none_or(|n| n > MAX_ARRAY) {
            return Err(too_long());
        }
        return Ok(r.clone().map(Dynamic::from_int).collect());
    }
    if let Some(r) = v.read_lock::<InclusiveRange>() {
        if r.size_hint().1.is_none_or(|n| n > MAX_ARRAY) {
            return Err(too_long());
        }
        return Ok(r.clone().map(Dynamic::from_int).collect());
    }
    if let Some(b) = v.read_lock::<Blob>() {
        return Ok(b.iter().map(|&x| Dynamic::from_int(x as INT)).collect());
    }
    if let Some(m) = v.read_lock::<Map>() {
        let n = m.get("length").map_or(0, |l| super::to_index(l).max(0) as usize);
        if n > MAX_ARRAY {
            return Err(too_long());
        }
        return Ok((0..n).map(|i| m.get(i.to_string().as_str()).cloned().unwrap_or(Dynamic::UNIT)).collect());
    }
    Ok(values(v))
}

fn array_from(ctx: &NativeCallContext, v: &Dynamic, f: &FnPtr) -> Res<Array> {
    let cb = Callback::new(ctx, f);
    items(v)?.into_iter().enumerate().map(|(i, item)| cb.call(&mut [item, Dynamic::from_int(i as INT)], 1)).collect()
}

pub fn register(engine: &mut Engine) {
    engine.register_type_with_name::<ObjectGlobal>("ObjectConstructor");
    engine.register_fn("keys", |ctx: NativeCallContext, _: &mut ObjectGlobal, v: Dynamic| {
        keys(&plain(&ctx, v)).into_iter().map(Dynamic::from).collect::<Array>()
    });
    engine.register_fn("values", |ctx: NativeCallContext, _: &mut ObjectGlobal, v: Dynamic| values(&plain(&ctx, v)));
    engine.register_fn("entries", |ctx: NativeCallContext, _: &mut ObjectGlobal, v: Dynamic| entries(&plain(&ctx, v)));
    engine.register_fn("fromEntries", |_: &mut ObjectGlobal, v: Dynamic| from_entries(&v));
    engine.register_fn("assign", |_: &mut ObjectGlobal, t: Map| t);
    engine.register_fn("assign", |_: &mut ObjectGlobal, t: Map, a: Dynamic| assign(t, &[a]));
    engine.register_fn("assign", |_: &mut ObjectGlobal, t: Map, a: Dynamic, b: Dynamic| assign(t, &[a, b]));
    engine.register_fn("assign", |_: &mut ObjectGlobal, t: Map, a: Dynamic, b: Dynamic, c: Dynamic| {
        assign(t, &[a, b, c])
    });
    engine.register_fn("assign", |_: &mut ObjectGlobal, t: Map, a: Dynamic, b: Dynamic, c: Dynamic, d: Dynamic| {
        assign(t, &[a, b, c, d])
    });

    engine.register_type_with_name::<ArrayGlobal>("ArrayConstructor");
    engine.register_fn("isArray", |_: &mut ArrayGlobal, v: Dynamic| v.is_array());
    engine.register_fn("from", |_: &mut ArrayGlobal, v: Dynamic| items(&v));
    engine.register_fn("from", |ctx: NativeCallContext, _: &mut ArrayGlobal, v: Dynamic, f: FnPtr| {
        array_from(&ctx, &v, &f)
    });
    engine.register_fn("of", |_: &mut ArrayGlobal| Array::new());
    engine.register_fn("of", |_: &mut ArrayGlobal, a: Dynamic| vec![a]);
    engine.register_fn("of", |_: &mut ArrayGlobal, a: Dynamic, b: Dynamic| vec![a, b]);
    engine.register_fn("of", |_: &mut ArrayGlobal, a: Dynamic, b: Dynamic, c: Dynamic| vec![a, b, c]);
}
