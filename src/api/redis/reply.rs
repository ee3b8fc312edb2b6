//! Replies as node-redis (v6, RESP2) gives them to JavaScript: strings for bulk and
//! simple strings, numbers, `()` for nil, arrays; and the per-command shapes
//! (`hGetAll` a map, `xRead` `[#{name, messages: [#{id, message}]}]`…). Error replies
//! become `SimpleError` values carrying the server's message.

use rhai::{Array, Dynamic, Map};

use crate::redis::resp::Reply;
use crate::value::error;

/// How a command's reply is shaped for the script.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Raw,
    /// Resolves with `()` (`subscribe`, `unsubscribe`).
    Unit,
    /// A flat `[field, value, …]` array as a map (`hGetAll`).
    Pairs,
    /// `[key, element]` as `#{key, element}` (`brPop`).
    KeyElement,
    /// `[[name, [[id, [f, v…]]…]]…]` as `[#{name, messages: [#{id, message}]}]`.
    Streams,
    /// `[nextId, messages, deleted]` (`xAutoClaim`).
    AutoClaim,
    /// `[count, first, last, [[consumer, n]…]]` (`xPending` summary form).
    Pending,
    /// `[cursor, keys]` (`scan`).
    Scan,
}

/// The Error value an error reply rejects with (node-redis's `SimpleError`, whose `name` is `Error`).
pub fn error_value(msg: &str) -> Dynamic {
    error::error("Error", msg, None).into()
}

fn text(r: &Reply) -> Dynamic {
    match r.bytes() {
        Some(b) => String::from_utf8_lossy(b).into_owned().into(),
        None => Dynamic::UNIT,
    }
}

/// The plain conversion: what `sendCommand` and most commands resolve with.
pub fn raw(r: Reply) -> Dynamic {
    match r {
        Reply::Nil => Dynamic::UNIT,
        Reply::Status(s) => s.into(),
        Reply::Int(i) => i.into(),
        Reply::Bulk(b) => String::from_utf8_lossy(&b).into_owned().into(),
        Reply::Array(a) => Dynamic::from_array(a.into_iter().map(raw).collect()),
        Reply::Error(e) => error_value(&e),
    }
}

fn items(r: Reply) -> Vec<Reply> {
    match r {
        Reply::Array(a) => a,
        _ => Vec::new(),
    }
}

fn pairs(r: Reply) -> Map {
    let mut m = Map::new();
    let mut it = items(r).into_iter();
    while let (Some(k), Some(v)) = (it.next(), it.next()) {
        m.insert(k.bytes().map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default().into(), raw(v));
    }
    m
}

/// `[id, [f, v…]]` as `#{id, message}` (a deleted entry's message is `()`).
fn entry(r: Reply) -> Dynamic {
    let mut it = items(r).into_iter();
    let mut m = Map::new();
    m.insert("id".into(), it.next().map(|i| text(&i)).unwrap_or(Dynamic::UNIT));
    let message = match it.next() {
        Some(Reply::Nil) | None => Dynamic::UNIT,
        Some(fields) => pairs(fields).into(),
    };
    m.insert("message".into(), message);
    m.into()
}

fn entries(r: Reply) -> Dynamic {
    Dynamic::from_array(items(r).into_iter().map(entry).collect())
}

/// Shapes a successful reply; `Err` carries the error value to reject with.
pub fn shape(r: Reply, shape: Shape) -> Result<Dynamic, Dynamic> {
    if let Reply::Error(e) = &r {
        return Err(error_value(e));
    }
    if r == Reply::Nil {
        return Ok(Dynamic::UNIT);
    }
    Ok(match shape {
        Shape::Raw => raw(r),
        Shape::Unit => Dynamic::UNIT,
        Shape::Pairs => pairs(r).into(),
        Shape::KeyElement => {
            let mut it = items(r).into_iter();
            let mut m = Map::new();
            m.insert("key".into(), it.next().map(raw).unwrap_or_default());
            m.insert("element".into(), it.next().map(raw).unwrap_or_default());
            m.into()
        }
        Shape::Streams => {
            let streams: Array = items(r)
                .into_iter()
                .map(|s| {
                    let mut it = items(s).into_iter();
                    let mut m = Map::new();
                    m.insert("name".into(), it.next().map(|n| text(&n)).unwrap_or_default());
                    m.insert("messages".into(), it.next().map(entries).unwrap_or_default());
                    Dynamic::from_map(m)
                })
                .collect();
            streams.into()
        }
        Shape::AutoClaim => {
            let mut it = items(r).into_iter();
            let mut m = Map::new();
            m.insert("nextId".into(), it.next().map(|n| text(&n)).unwrap_or_default());
            m.insert("messages".into(), it.next().map(entries).unwrap_or_default());
            m.insert("deletedMessages".into(), it.next().map(raw).unwrap_or_else(|| Dynamic::from_array(vec![])));
            m.into()
        }
        Shape::Pending => {
            let mut it = items(r).into_iter();
            let mut m = Map::new();
            m.insert("pending".into(), it.next().map(raw).unwrap_or_default());
            m.insert("firstId".into(), it.next().map(raw).unwrap_or_default());
            m.insert("lastId".into(), it.next().map(raw).unwrap_or_default());
            let consumers: Array = it
                .next()
                .map(items)
                .unwrap_or_default()
                .into_iter()
                .map(|c| {
                    let mut c = items(c).into_iter();
                    let mut m = Map::new();
                    m.insert("name".into(), c.next().map(|n| text(&n)).unwrap_or_default());
                    let n =
                        c.next().and_then(|n| n.bytes().and_then(|b| std::str::from_utf8(b).ok()?.parse::<i64>().ok()));
                    m.insert("deliveriesCounter".into(), n.unwrap_or(0).into());
                    Dynamic::from_map(m)
                })
                .collect();
            m.insert("consumers".into(), consumers.into());
            m.into()
        }
        Shape::Scan => {
            let mut it = items(r).into_iter();
            let mut m = Map::new();
            m.insert("cursor".into(), it.next().map(|c| text(&c)).unwrap_or_default());
            m.insert("keys".into(), it.next().map(raw).unwrap_or_else(|| Dynamic::from_array(vec![])));
            m.into()
        }
    })
}
