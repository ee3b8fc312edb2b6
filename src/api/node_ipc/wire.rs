//! What one `emit` puts on the wire. JSON mode: node-ipc's frame, with its rule
//! that a missing, `()` or `""` payload is sent as `{}` (`0` and `false` are kept).
//! Raw mode: the bytes themselves, a string turned into bytes in `config.encoding`.

use rhai::{Blob, Dynamic, EvalAltResult, ImmutableString};

use super::errors;
use crate::nodeipc::codec::{self, RESERVED};
use crate::nodeipc::config::Config;
use crate::value::json;

type Res<T> = Result<T, Box<EvalAltResult>>;

/// The frame for `emit(kind, data)`; a reserved name or a frame above
/// `config.maxFrameSize` throws (the peer would refuse it).
pub fn frame(cfg: &Config, kind: &str, data: &Dynamic) -> Res<Vec<u8>> {
    if RESERVED.contains(&kind) {
        return Err(errors::reserved(kind));
    }
    // Checked without cloning `data`: a payload map would be copied whole.
    let empty =
        data.is_unit() || (data.is_string() && data.read_lock::<ImmutableString>().is_some_and(|s| s.is_empty()));
    let text = if empty { None } else { json::stringify(data, "") };
    let delim = cfg.delimiter.as_bytes();
    let bytes = codec::encode(kind, text.as_deref().unwrap_or("{}"), delim);
    let len = bytes.len() - delim.len();
    if len > cfg.max_frame_size {
        return Err(errors::too_large(len, cfg.max_frame_size));
    }
    Ok(bytes)
}

/// Raw mode's bytes: a BLOB as is, a string in `config.encoding`.
pub fn raw(cfg: &Config, v: &Dynamic) -> Res<Vec<u8>> {
    if let Some(b) = v.read_lock::<Blob>() {
        return Ok(b.clone());
    }
    match v.clone().into_string() {
        Ok(s) => Ok(encode(&s, cfg.encoding)),
        Err(_) => Err(errors::arg_type("data", "a BLOB or a string in raw mode", v)),
    }
}

/// Node's `Buffer.from(text, enc)` for the encodings `config.encoding` accepts; like
/// Node it stops at the first character that does not belong (hex, base64).
fn encode(text: &str, enc: &str) -> Vec<u8> {
    match enc {
        "latin1" => text.chars().map(|c| c as u32 as u8).collect(),
        "ascii" => text.chars().map(|c| (c as u32 as u8) & 0x7f).collect(),
        "utf16le" => text.encode_utf16().flat_map(u16::to_le_bytes).collect(),
        "hex" => text
            .as_bytes()
            .chunks_exact(2)
            .map_while(|p| std::str::from_utf8(p).ok().and_then(|s| u8::from_str_radix(s, 16).ok()))
            .collect(),
        "base64" | "base64url" => base64(text),
        _ => text.as_bytes().to_vec(),
    }
}

/// Both base64 alphabets, padding optional, as Node decodes them.
fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for v in text.bytes().take_while(|&c| c != b'=').map_while(value) {
        acc = acc << 6 | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// `emit(first, data)` in either mode: JSON mode wants a type name.
pub fn bytes(cfg: &Config, first: &Dynamic, data: &Dynamic) -> Res<Vec<u8>> {
    if cfg.raw_buffer {
        return raw(cfg, first);
    }
    match first.clone().into_string() {
        Ok(kind) => frame(cfg, &kind, data),
        Err(_) => Err(errors::arg_type("type", "a string (the event type)", first)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_payloads_and_limits() {
        let cfg = Config::default();
        assert_eq!(frame(&cfg, "ping", &Dynamic::UNIT).unwrap(), b"{\"type\":\"ping\",\"data\":{}}\x0c");
        assert_eq!(frame(&cfg, "s", &"".into()).unwrap(), b"{\"type\":\"s\",\"data\":{}}\x0c");
        assert_eq!(frame(&cfg, "z", &Dynamic::from(0_i64)).unwrap(), b"{\"type\":\"z\",\"data\":0}\x0c");
        assert_eq!(frame(&cfg, "f", &Dynamic::FALSE).unwrap(), b"{\"type\":\"f\",\"data\":false}\x0c");
        assert!(frame(&cfg, "connect", &Dynamic::UNIT).is_err());
        let small = Config { max_frame_size: 30, ..Config::default() };
        assert!(frame(&small, "x", &"y".repeat(40).into()).is_err());
        let raw_cfg = Config { raw_buffer: true, encoding: "hex", ..Config::default() };
        assert_eq!(bytes(&raw_cfg, &"deadbeef".into(), &Dynamic::UNIT).unwrap(), vec![0xde, 0xad, 0xbe, 0xef]);
        assert_eq!(
            bytes(&raw_cfg, &Dynamic::from_blob(vec![1, 0x0c, 0xff]), &Dynamic::UNIT).unwrap(),
            vec![1, 0x0c, 0xff]
        );
        assert_eq!(encode("3q2+7w==", "base64"), vec![0xde, 0xad, 0xbe, 0xef]);
        assert_eq!(encode("caf\u{e9}", "latin1"), vec![b'c', b'a', b'f', 0xe9]);
    }
}
