//! JavaScript's names on Rhai values (`s.toUpperCase()`, `arr.forEach(f)`,
//! `Math.floor(x)`, `Object.keys(m)`…), registered next to Rhai's own names.
//!
//! ```rhai
//! let words = " a b ".trim().split(" ");             // ["a", "b"]
//! let total = [1, 2, 3].reduce(|a, b| a + b);          // 6
//! console.log(Math.max(1, 5, 3), (2.5).toFixed(1));    // 5 2.5
//! ```
//!
//! Where a JS name is also Rhai's (`trim`, `replace`, `split`, `sort`, `reverse`,
//! `push`, `map`, `filter`, `reduce`, `some`, `find`, `splice`), the JS meaning wins:
//! strings return a new string and leave the receiver alone; see docs/notes/strlib.md.
//! Each binding is registered with exact argument types for the common case (so a
//! call costs what Rhai's own twin costs) and a `Dynamic` fallback for the rest.

pub mod arrays;
pub mod call;
mod fast;
pub mod iterate;
pub mod math;
pub mod numbers;
pub mod object;
pub mod strings;

use rhai::{Array, Dynamic, Engine, FuncRegistration, INT, RhaiNativeFunc, Variant};

use crate::value::{js_number, number};

/// Registers the methods and the global objects `Math`, `Object`, `Number`, `Array`,
/// `NaN` and `Infinity`. Call before the main globals module is registered: Rhai
/// looks a global variable up in each global module in turn, the last registered
/// first, with a linear scan of its names, so keeping these in a module of their own
/// searched after it leaves `process` and `console` as quick to find as before.
/// The same module holds the plugin-compiled string functions (`fast`): it is
/// searched before Rhai's packages, so its `split` replaces Rhai's; one module, as
/// Rhai walks every global module on each method call (`map_type_name`).
pub fn register(engine: &mut Engine) {
    strings::register(engine);
    arrays::register(engine);
    iterate::register(engine);
    numbers::register(engine);
    math::register(engine);
    object::register(engine);
    let mut m = rhai::exported_module!(fast::js_strings);
    m.set_var("Math", math::MathGlobal);
    m.set_var("Object", object::ObjectGlobal);
    m.set_var("Array", object::ArrayGlobal);
    m.set_var("Number", numbers::NumberGlobal);
    m.set_var("NaN", f64::NAN);
    m.set_var("Infinity", f64::INFINITY);
    engine.register_global_module(m.into());
}

/// How `console.log` shows the global objects, as Node does.
pub fn describe(v: &Dynamic) -> Option<&'static str> {
    if v.is::<math::MathGlobal>() {
        Some("Object [Math] {}")
    } else if v.is::<numbers::NumberGlobal>() {
        Some("[Function: Number]")
    } else if v.is::<object::ObjectGlobal>() {
        Some("[Function: Object]")
    } else if v.is::<object::ArrayGlobal>() {
        Some("[Function: Array]")
    } else {
        None
    }
}

/// Registers a function that does not modify its first argument, so it may be called
/// on a constant (`const A = [1]; A.map(…)`), as Rhai marks its own.
pub fn pure<A: 'static, const N: usize, const X: bool, R: Variant + Clone, const F: bool>(
    engine: &mut Engine,
    name: &str,
    f: impl RhaiNativeFunc<A, N, X, R, F> + 'static,
) {
    FuncRegistration::new(name).with_purity(true).register_into_engine(engine, f);
}

/// A property getter that may be read on a constant.
pub fn getter<A: 'static, const X: bool, R: Variant + Clone, const F: bool>(
    engine: &mut Engine,
    name: &str,
    f: impl RhaiNativeFunc<A, 1, X, R, F> + 'static,
) {
    FuncRegistration::new_getter(name).with_purity(true).register_into_engine(engine, f);
}

/// A JS number as procbox gives it: an integer when integral and exact, else a float.
pub fn num(f: f64) -> Dynamic {
    match number::integral(f) {
        Some(i) => Dynamic::from_int(i),
        None => Dynamic::from_float(f),
    }
}

/// JS's `ToNumber`: booleans are 0/1, strings parsed as `Number(s)`, `()` NaN
/// (procbox's `()` is usually JS's `undefined`).
pub fn to_f64(v: &Dynamic) -> f64 {
    if let Ok(i) = v.as_int() {
        i as f64
    } else if let Ok(f) = v.as_float() {
        f
    } else if let Ok(b) = v.as_bool() {
        f64::from(u8::from(b))
    } else if v.is_string() || v.is_char() || v.is_array() {
        number::from_str(&to_js_string(v))
    } else {
        f64::NAN
    }
}

/// JS's `ToIntegerOrInfinity` for index arguments, saturated into an `INT`.
pub fn to_index(v: &Dynamic) -> INT {
    match v.as_int() {
        Ok(i) => i,
        Err(_) if v.is_unit() => 0,
        Err(_) => {
            let f = to_f64(v);
            if f.is_nan() { 0 } else { f.trunc() as INT }
        }
    }
}

/// JS truthiness: `()`, `false`, `0`, `0.0`, NaN and `""` are false.
pub fn truthy(v: &Dynamic) -> bool {
    if let Ok(b) = v.as_bool() {
        b
    } else if v.is_unit() {
        false
    } else if let Ok(i) = v.as_int() {
        i != 0
    } else if let Ok(f) = v.as_float() {
        f != 0.0 && !f.is_nan()
    } else if let Some(s) = v.read_lock::<rhai::ImmutableString>() {
        !s.is_empty()
    } else {
        true
    }
}

/// JS's `String(v)`. `()` is `"null"`, as `console.log` shows it; maps that look like
/// errors are `"Name: message"`, other maps `"[object Object]"`; arrays are joined.
pub fn to_js_string(v: &Dynamic) -> String {
    if let Some(s) = v.read_lock::<rhai::ImmutableString>() {
        return s.to_string();
    }
    if v.is_unit() {
        return "null".into();
    }
    if let Ok(f) = v.as_float() {
        return js_number(f);
    }
    if let Some(a) = v.read_lock::<Array>() {
        return join(&a, ",");
    }
    if let Some(m) = v.read_lock::<rhai::Map>() {
        return match (m.get("name"), m.get("message")) {
            (Some(n), Some(msg)) if m.contains_key("stack") => {
                let msg = to_js_string(msg);
                if msg.is_empty() { to_js_string(n) } else { format!("{}: {msg}", to_js_string(n)) }
            }
            _ => "[object Object]".into(),
        };
    }
    if let Some(b) = v.read_lock::<rhai::Blob>() {
        return String::from_utf8_lossy(&b).into_owned();
    }
    v.to_string()
}

/// `arr.join(sep)`: `()` elements are empty, as JS's null and undefined.
pub fn join(a: &[Dynamic], sep: &str) -> String {
    let mut out = String::new();
    for (i, v) in a.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        if let Some(s) = v.read_lock::<rhai::ImmutableString>() {
            out.push_str(&s);
        } else if let Ok(i) = v.as_int() {
            out.push_str(&i.to_string());
        } else if !v.is_unit() {
            out.push_str(&to_js_string(v));
        }
    }
    out
}

/// Equality for `includes` (`nan_equal`, SameValueZero) and `indexOf` (strict):
/// numbers by value whatever their Rhai type, a one-character string equal to the
/// char, arrays and maps element by element (procbox holds values, not references).
pub fn js_equal(a: &Dynamic, b: &Dynamic, nan_equal: bool) -> bool {
    let numeric = |v: &Dynamic| v.as_int().map(|i| i as f64).or_else(|_| v.as_float()).ok();
    if let (Some(x), Some(y)) = (numeric(a), numeric(b)) {
        return x == y || (nan_equal && x.is_nan() && y.is_nan());
    }
    if (a.is_string() || a.is_char()) && (b.is_string() || b.is_char()) {
        return to_js_string(a) == to_js_string(b);
    }
    if a.is_unit() || b.is_unit() {
        return a.is_unit() && b.is_unit();
    }
    if let (Ok(x), Ok(y)) = (a.as_bool(), b.as_bool()) {
        return x == y;
    }
    if let (Some(x), Some(y)) = (a.read_lock::<Array>(), b.read_lock::<Array>()) {
        return x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| js_equal(p, q, nan_equal));
    }
    if let (Some(x), Some(y)) = (a.read_lock::<rhai::Map>(), b.read_lock::<rhai::Map>()) {
        return x.len() == y.len()
            && x.iter().all(|(k, p)| y.get(k.as_str()).is_some_and(|q| js_equal(p, q, nan_equal)));
    }
    false
}

/// `Math.random()`, whose seed is a slot on the runtime state (apart from
/// [`register`], which needs no runtime, so a bare engine can test the JS names).
pub fn register_random(engine: &mut Engine, st: &crate::runtime::State) {
    math::register_random(engine, st);
}

#[cfg(test)]
mod tests;
