//! Stream replies read without Rhai: the entries of an XREAD/XREADGROUP reply as
//! `(id, fields)`, for native readers of streams (the pool across machines).

use std::collections::HashMap;

use super::resp::Reply;

/// The fields of one stream entry (`[id, [f, v, …]]`) as text.
pub fn entry_fields(entry: &Reply) -> Option<(String, HashMap<String, String>)> {
    let Reply::Array(e) = entry else { return None };
    let id = String::from_utf8_lossy(e.first()?.bytes()?).into_owned();
    let mut fields = HashMap::new();
    if let Some(Reply::Array(kv)) = e.get(1) {
        for pair in kv.chunks(2) {
            if let [k, v] = pair {
                let text = |r: &Reply| String::from_utf8_lossy(r.bytes().unwrap_or_default()).into_owned();
                fields.insert(text(k), text(v));
            }
        }
    }
    Some((id, fields))
}

/// Every entry of an XREAD/XREADGROUP reply (`[[stream, [entry…]]…]`), in order.
pub fn stream_entries(r: &Reply) -> Vec<(String, HashMap<String, String>)> {
    let Reply::Array(streams) = r else { return Vec::new() };
    let mut out = Vec::new();
    for s in streams {
        if let Reply::Array(parts) = s
            && let Some(Reply::Array(entries)) = parts.get(1)
        {
            out.extend(entries.iter().filter_map(entry_fields));
        }
    }
    out
}
