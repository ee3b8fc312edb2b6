//! Array methods by their JS names that take no callback (those are in `iterate`).
//!
//! ```rhai
//! let a = [3, 1, 2];
//! a.push(4);                  // 4, the new length
//! a.sort();                   // [1, 2, 3, 4], sorted in place and returned
//! a.slice(1, -1).join("-");   // "2-3"
//! a.splice(1, 2);             // [2, 3]; a is now [1, 4]
//! [[1, 2], [3]].flat();       // [1, 2, 3]
//! ```
//!
//! A procbox array is a value: what `sort`, `reverse` and `fill` return is a copy of
//! the array they changed, not the same object.

use rhai::{Array, Dynamic, Engine, INT, ImmutableString};

use super::{getter, join, js_equal, pure, to_index, to_js_string};
use crate::value::{sort, text};

/// JS's relative start/end of `slice`, `splice`, `fill`: negative from the end.
fn rel(i: INT, len: usize) -> usize {
    text::relative(i, len)
}

fn slice(a: &Array, start: INT, end: Option<INT>) -> Array {
    let (s, e) = (rel(start, a.len()), end.map_or(a.len(), |e| rel(e, a.len())));
    if s >= e { Array::new() } else { a[s..e].to_vec() }
}

fn index_of(a: &Array, v: &Dynamic, from: INT) -> INT {
    let start = rel(from, a.len());
    a[start..].iter().position(|x| js_equal(x, v, false)).map_or(-1, |i| (start + i) as INT)
}

fn splice(a: &mut Array, start: INT, count: Option<INT>, items: Vec<Dynamic>) -> Array {
    let s = rel(start, a.len());
    let n = count.map_or(a.len() - s, |c| (c.max(0) as usize).min(a.len() - s));
    a.splice(s..s + n, items).collect()
}

fn concat(a: &Array, more: &[Dynamic]) -> Array {
    let mut out = a.clone();
    for m in more {
        match m.read_lock::<Array>() {
            Some(inner) => out.extend(inner.iter().cloned()),
            None => out.push(m.clone()),
        }
    }
    out
}

fn flat(a: &Array, depth: INT, out: &mut Array) {
    for v in a {
        match v.read_lock::<Array>() {
            Some(inner) if depth > 0 => flat(&inner, depth - 1, out),
            _ => out.push(v.clone()),
        }
    }
}

fn at(a: &Array, i: INT) -> Dynamic {
    let n = a.len() as INT;
    let i = if i < 0 { n + i } else { i };
    if i < 0 || i >= n { Dynamic::UNIT } else { a[i as usize].clone() }
}

fn fill(a: &mut Array, v: Dynamic, start: INT, end: Option<INT>) -> Array {
    let (s, e) = (rel(start, a.len()), end.map_or(a.len(), |e| rel(e, a.len())));
    if s < e {
        a[s..e].fill(v);
    }
    a.clone()
}

fn opt_index(v: &Dynamic) -> Option<INT> {
    if v.is_unit() { None } else { Some(to_index(v)) }
}

/// `arr.sort()` without a comparator: by the elements' string forms, in UTF-16 code
/// unit order as JS compares strings; `()` elements last.
fn sort_default(a: &mut Array) -> Array {
    let keys: Vec<Option<ImmutableString>> = a
        .iter()
        .map(|v| match v.read_lock::<ImmutableString>() {
            _ if v.is_unit() => None,
            Some(s) => Some(s.clone()),
            None => Some(to_js_string(v).into()),
        })
        .collect();
    let order = sort::order(a.len(), |i, j| {
        Ok::<_, ()>(match (&keys[i], &keys[j]) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(x), Some(y)) => {
                if x.is_ascii() && y.is_ascii() {
                    x > y
                } else {
                    x.encode_utf16().cmp(y.encode_utf16()).is_gt()
                }
            }
        })
    })
    .unwrap_or_default();
    drop(keys);
    sort::apply(a, &order);
    a.clone()
}

pub fn register(engine: &mut Engine) {
    getter(engine, "length", |a: &mut Array| a.len() as INT);
    pure(engine, "toString", |a: &mut Array| join(a, ","));
    pure(engine, "join", |a: &mut Array| join(a, ","));
    pure(engine, "join", |a: &mut Array, sep: &str| join(a, sep));
    pure(engine, "join", |a: &mut Array, sep: char| join(a, sep.encode_utf8(&mut [0; 4])));
    pure(engine, "join", |a: &mut Array, sep: Dynamic| {
        join(a, &if sep.is_unit() { ",".into() } else { to_js_string(&sep) })
    });

    pure(engine, "includes", |a: &mut Array, v: Dynamic| a.iter().any(|x| js_equal(x, &v, true)));
    pure(engine, "includes", |a: &mut Array, v: Dynamic, from: INT| {
        a[rel(from, a.len())..].iter().any(|x| js_equal(x, &v, true))
    });
    pure(engine, "indexOf", |a: &mut Array, v: Dynamic| index_of(a, &v, 0));
    pure(engine, "indexOf", |a: &mut Array, v: Dynamic, from: INT| index_of(a, &v, from));
    pure(engine, "lastIndexOf", |a: &mut Array, v: Dynamic| {
        a.iter().rposition(|x| js_equal(x, &v, false)).map_or(-1, |i| i as INT)
    });

    pure(engine, "at", |a: &mut Array, i: INT| at(a, i));
    pure(engine, "at", |a: &mut Array, i: Dynamic| at(a, to_index(&i)));
    pure(engine, "slice", |a: &mut Array| a.clone());
    pure(engine, "slice", |a: &mut Array, s: INT| slice(a, s, None));
    pure(engine, "slice", |a: &mut Array, s: INT, e: INT| slice(a, s, Some(e)));
    pure(engine, "slice", |a: &mut Array, s: Dynamic| slice(a, to_index(&s), None));
    pure(engine, "slice", |a: &mut Array, s: Dynamic, e: Dynamic| slice(a, to_index(&s), opt_index(&e)));
    pure(engine, "concat", |a: &mut Array| a.clone());
    pure(engine, "concat", |a: &mut Array, b: Dynamic| concat(a, &[b]));
    pure(engine, "concat", |a: &mut Array, b: Dynamic, c: Dynamic| concat(a, &[b, c]));
    pure(engine, "concat", |a: &mut Array, b: Dynamic, c: Dynamic, d: Dynamic| concat(a, &[b, c, d]));
    pure(engine, "concat", |a: &mut Array, b: Dynamic, c: Dynamic, d: Dynamic, e: Dynamic| concat(a, &[b, c, d, e]));
    pure(engine, "flat", |a: &mut Array| {
        let mut out = Array::new();
        flat(a, 1, &mut out);
        out
    });
    pure(engine, "flat", |a: &mut Array, depth: Dynamic| {
        let mut out = Array::new();
        flat(a, to_index(&depth), &mut out);
        out
    });
    pure(engine, "keys", |a: &mut Array| (0..a.len() as INT).map(Dynamic::from_int).collect::<Array>());
    pure(engine, "values", |a: &mut Array| a.clone());
    pure(engine, "entries", |a: &mut Array| {
        a.iter()
            .enumerate()
            .map(|(i, v)| Dynamic::from_array(vec![Dynamic::from_int(i as INT), v.clone()]))
            .collect::<Array>()
    });

    // In place, returning what JS returns.
    engine.register_fn("push", |a: &mut Array, v: Dynamic| {
        a.push(v);
        a.len() as INT
    });
    engine.register_fn("push", |a: &mut Array, v: Dynamic, w: Dynamic| {
        a.extend([v, w]);
        a.len() as INT
    });
    engine.register_fn("push", |a: &mut Array, v: Dynamic, w: Dynamic, x: Dynamic| {
        a.extend([v, w, x]);
        a.len() as INT
    });
    engine.register_fn("unshift", |a: &mut Array, v: Dynamic| {
        a.insert(0, v);
        a.len() as INT
    });
    engine.register_fn("unshift", |a: &mut Array, v: Dynamic, w: Dynamic| {
        a.splice(0..0, [v, w]);
        a.len() as INT
    });
    engine.register_fn("reverse", |a: &mut Array| {
        a.reverse();
        a.clone()
    });
    engine.register_fn("sort", sort_default);
    engine.register_fn("fill", |a: &mut Array, v: Dynamic| fill(a, v, 0, None));
    engine.register_fn("fill", |a: &mut Array, v: Dynamic, s: Dynamic| fill(a, v, to_index(&s), None));
    engine.register_fn("fill", |a: &mut Array, v: Dynamic, s: Dynamic, e: Dynamic| {
        fill(a, v, to_index(&s), opt_index(&e))
    });
    engine.register_fn("splice", |a: &mut Array, s: INT| splice(a, s, None, vec![]));
    engine.register_fn("splice", |a: &mut Array, s: INT, n: INT| splice(a, s, Some(n), vec![]));
    engine.register_fn("splice", |a: &mut Array, s: Dynamic| splice(a, to_index(&s), None, vec![]));
    engine
        .register_fn("splice", |a: &mut Array, s: Dynamic, n: Dynamic| splice(a, to_index(&s), opt_index(&n), vec![]));
    // Rhai's own splice(start, len, array) inserts the elements; JS inserts the array.
    engine.register_fn("splice", |a: &mut Array, s: INT, n: INT, v: Array| splice(a, s, Some(n), vec![v.into()]));
    engine.register_fn("splice", |a: &mut Array, s: Dynamic, n: Dynamic, v: Dynamic| {
        splice(a, to_index(&s), opt_index(&n), vec![v])
    });
    engine.register_fn("splice", |a: &mut Array, s: Dynamic, n: Dynamic, v: Dynamic, w: Dynamic| {
        splice(a, to_index(&s), opt_index(&n), vec![v, w])
    });
    engine.register_fn("splice", |a: &mut Array, s: Dynamic, n: Dynamic, v: Dynamic, w: Dynamic, x: Dynamic| {
        splice(a, to_index(&s), opt_index(&n), vec![v, w, x])
    });
}
