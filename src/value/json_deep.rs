//! JSON values to script values without recursion: a message nested thousands of
//! levels deep (the fork channel accepts what Node's `JSON.parse` does) must not
//! run the loop thread out of stack while it is converted.

use rhai::{Array, Dynamic, Map};
use serde_json::Value;

/// A container being filled: its remaining children, and what it has so far.
enum Open {
    Array(std::vec::IntoIter<Value>, Array),
    Map(serde_json::map::IntoIter, Map, Option<String>),
}

fn scalar(v: Value) -> Result<Dynamic, Open> {
    Ok(match v {
        Value::Null => Dynamic::UNIT,
        Value::Bool(b) => b.into(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.into(),
            None => n.as_f64().unwrap_or(f64::NAN).into(),
        },
        Value::String(s) => s.into(),
        Value::Array(a) => {
            let cap = a.len();
            return Err(Open::Array(a.into_iter(), Array::with_capacity(cap)));
        }
        Value::Object(o) => return Err(Open::Map(o.into_iter(), Map::new(), None)),
    })
}

/// Converts `v`, depth-first with an explicit stack.
pub fn from_value(v: Value) -> Dynamic {
    let mut stack: Vec<Open> = Vec::new();
    let mut done = match scalar(v) {
        Ok(d) => return d,
        Err(open) => {
            stack.push(open);
            None
        }
    };
    loop {
        let top = stack.last_mut().expect("an open container");
        if let Some(d) = done.take() {
            match top {
                Open::Array(_, out) => out.push(d),
                Open::Map(_, out, key) => {
                    out.insert(key.take().unwrap_or_default().into(), d);
                }
            }
        }
        let next = match top {
            Open::Array(items, _) => items.next(),
            Open::Map(items, _, key) => items.next().map(|(k, v)| {
                *key = Some(k);
                v
            }),
        };
        match next {
            Some(v) => match scalar(v) {
                Ok(d) => done = Some(d),
                Err(open) => stack.push(open),
            },
            None => {
                let finished = match stack.pop().expect("an open container") {
                    Open::Array(_, out) => Dynamic::from_array(out),
                    Open::Map(_, out, _) => Dynamic::from_map(out),
                };
                if stack.is_empty() {
                    return finished;
                }
                done = Some(finished);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn same_values_as_the_recursive_walk() {
        let v = json!({"b": [1, 2.5, null, "x", {"c": [true, []]}], "a": {}});
        let d = from_value(v);
        assert_eq!(super::super::json::stringify(&d, "").unwrap(), r#"{"a":{},"b":[1,2.5,null,"x",{"c":[true,[]]}]}"#);
        assert_eq!(from_value(json!(7)).as_int(), Ok(7));
    }

    /// The deepest message the fork channel accepts becomes script values on the
    /// loop's thread (8 MiB, as the main thread).
    #[test]
    fn deepest_accepted_message() {
        use crate::lenient_json::{MAX_DEPTH, parse};
        let nest = |n: usize| format!("{}1{}", "[".repeat(n), "]".repeat(n));
        let v = std::thread::Builder::new()
            .stack_size(8 << 20)
            .spawn(move || {
                let v = parse(nest(MAX_DEPTH).as_bytes()).unwrap();
                let d = from_value(v);
                super::super::json::stringify(&d, "").map(|s| s.len())
            })
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(v, Some(2 * MAX_DEPTH + 1));
    }
}
