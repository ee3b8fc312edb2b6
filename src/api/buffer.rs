//! Node's Buffer on Rhai BLOBs: the `data` of a child, socket or stdin is a BLOB,
//! and the `Buffer` global makes them: `Buffer.from(string | array | blob, enc?)`,
//! `Buffer.alloc(n, fill?)`, `Buffer.concat(list, total?)`, `Buffer.isBuffer(v)`,
//! `Buffer.byteLength(s, enc?)`. On a BLOB: `toString(enc?, start?, end?)` (utf8,
//! hex, base64, base64url, latin1, ascii, utf16le), `length`, `slice`/`subarray`,
//! `equals`, `compare`, `indexOf`, `toJSON`, `fill`, `readUInt8`…`readInt32BE` and
//! `writeUInt8`…`writeInt32BE`, and Rhai's own indexing `buf[0]`.
//!
//! ```rhai
//! let b = Buffer.from("héllo");
//! print(b.length);                       // 6
//! print(b.toString("hex"));              // 68c3a96c6c6f
//! print(Buffer.from("aGk=", "base64").toString()); // hi
//! let c = spawn("echo", ["hi"]);
//! c.stdout.on("data", |chunk| print(Buffer.concat([chunk, Buffer.from("!")]).toString()));
//! ```
//!
//! A BLOB is a value in Rhai: `slice` copies, where Node's shares memory.

use rhai::{Array, Blob, Dynamic, Engine, EvalAltResult, ImmutableString, Map};

use super::stream_text::parse;
use super::util::invalid_arg;
use crate::value::{encoding, error};

type Res<T> = Result<T, Box<EvalAltResult>>;

/// The `Buffer` global (and `require("buffer").Buffer`).
#[derive(Clone)]
pub struct BufferStatics;

pub fn module(_st: &std::rc::Rc<crate::runtime::State>) -> Dynamic {
    let mut m = Map::new();
    m.insert("Buffer".into(), Dynamic::from(BufferStatics));
    m.insert("constants".into(), {
        let mut c = Map::new();
        c.insert("MAX_LENGTH".into(), Dynamic::from(i64::from(u32::MAX)));
        c.into()
    });
    m.into()
}

fn from(v: &Dynamic, enc: Option<&str>) -> Res<Blob> {
    if v.is_string() || v.is_char() {
        let enc = match enc {
            Some(e) => parse(e)?,
            None => "utf8",
        };
        return Ok(encoding::encode(&v.to_string(), enc));
    }
    if let Some(b) = v.read_lock::<Blob>() {
        return Ok(b.clone());
    }
    if let Some(a) = v.read_lock::<Array>() {
        return Ok(a.iter().map(byte_of).collect());
    }
    let msg = format!(
        "The first argument must be of type string or an instance of Buffer, ArrayBuffer, or Array or an \
         Array-like Object. {}",
        super::util::received(v)
    );
    Err(error::throw(error::coded("TypeError", "ERR_INVALID_ARG_TYPE", &msg)))
}

/// A number stored into a byte, as a Uint8Array does (`256` → 0, `-1` → 255).
fn byte_of(v: &Dynamic) -> u8 {
    if let Ok(i) = v.as_int() {
        i as u8
    } else if let Ok(f) = v.as_float() {
        if f.is_finite() { f.trunc() as i64 as u8 } else { 0 }
    } else {
        0
    }
}

fn size_of(v: &Dynamic) -> Res<usize> {
    match v.as_int().ok().or_else(|| v.as_float().ok().filter(|f| f.fract() == 0.0).map(|f| f as i64)) {
        Some(n) if (0..=i64::from(u32::MAX)).contains(&n) => Ok(n as usize),
        Some(n) => {
            let msg = format!("The value of \"size\" is out of range. It must be >= 0 && <= 4294967296. Received {n}");
            Err(error::throw(error::coded("RangeError", "ERR_OUT_OF_RANGE", &msg)))
        }
        None => Err(invalid_arg("size", "number", v)),
    }
}

fn alloc(size: &Dynamic, fill: &Dynamic, enc: Option<&str>) -> Res<Blob> {
    let n = size_of(size)?;
    let pattern: Vec<u8> = if fill.is_unit() {
        vec![0]
    } else if fill.is_string() || fill.is_blob() || fill.is_char() {
        from(fill, enc)?
    } else {
        vec![byte_of(fill)]
    };
    if pattern.is_empty() {
        return Ok(vec![0; n]);
    }
    Ok(pattern.iter().copied().cycle().take(n).collect())
}

fn concat(list: &Array, total: Option<usize>) -> Res<Blob> {
    let mut out = Vec::new();
    for (i, item) in list.iter().enumerate() {
        match item.read_lock::<Blob>() {
            Some(b) => out.extend_from_slice(&b),
            None => return Err(invalid_arg(&format!("list[{i}]"), "Buffer or Uint8Array", item)),
        }
    }
    if let Some(t) = total {
        out.resize(t, 0);
    }
    Ok(out)
}

/// JavaScript's relative index: negative counts from the end, clamped to the length.
fn rel(i: i64, len: usize) -> usize {
    if i < 0 { (len as i64 + i).max(0) as usize } else { (i as usize).min(len) }
}

fn slice(b: &Blob, start: i64, end: Option<i64>) -> Blob {
    let (s, e) = (rel(start, b.len()), end.map(|e| rel(e, b.len())).unwrap_or(b.len()));
    if s < e { b[s..e].to_vec() } else { Vec::new() }
}

fn to_string(b: &Blob, enc: &str, start: i64, end: Option<i64>) -> Res<String> {
    let enc = parse(enc)?;
    // Unlike `slice`, toString clamps negative offsets to 0.
    let (s, e) = (start.max(0) as usize, end.map(|e| e.max(0) as usize).unwrap_or(b.len()).min(b.len()));
    Ok(if s < e { encoding::decode(&b[s..e], enc) } else { String::new() })
}

fn index_of(b: &Blob, v: &Dynamic) -> Res<i64> {
    let needle = if v.as_int().is_ok() { vec![byte_of(v)] } else { from(v, None)? };
    if needle.is_empty() {
        return Ok(0);
    }
    Ok(b.windows(needle.len()).position(|w| w == needle.as_slice()).map(|p| p as i64).unwrap_or(-1))
}

/// Node's `ERR_OUT_OF_RANGE` / `ERR_BUFFER_OUT_OF_BOUNDS` for a read or write of
/// `size` bytes at `offset`.
fn check_range(b: &Blob, offset: i64, size: usize) -> Res<usize> {
    if b.len() < size {
        let msg = "Attempt to access memory outside buffer bounds";
        return Err(error::throw(error::coded("RangeError", "ERR_BUFFER_OUT_OF_BOUNDS", msg)));
    }
    let max = (b.len() - size) as i64;
    if offset < 0 || offset > max {
        let msg = format!("The value of \"offset\" is out of range. It must be >= 0 and <= {max}. Received {offset}");
        return Err(error::throw(error::coded("RangeError", "ERR_OUT_OF_RANGE", &msg)));
    }
    Ok(offset as usize)
}

fn read(b: &Blob, offset: i64, size: usize, signed: bool, le: bool) -> Res<i64> {
    let at = check_range(b, offset, size)?;
    let bytes = &b[at..at + size];
    let mut n: u64 = 0;
    for i in 0..size {
        let byte = if le { bytes[size - 1 - i] } else { bytes[i] };
        n = n << 8 | byte as u64;
    }
    let bits = size as u32 * 8;
    Ok(if signed && n >> (bits - 1) & 1 == 1 { n as i64 - (1i64 << bits) } else { n as i64 })
}

fn write(b: &mut Blob, value: i64, offset: i64, size: usize, signed: bool, le: bool) -> Res<i64> {
    let bits = size as u32 * 8;
    let (min, max) = if signed { (-(1i64 << (bits - 1)), (1i64 << (bits - 1)) - 1) } else { (0, (1i64 << bits) - 1) };
    if value < min || value > max {
        let msg = format!("The value of \"value\" is out of range. It must be >= {min} and <= {max}. Received {value}");
        return Err(error::throw(error::coded("RangeError", "ERR_OUT_OF_RANGE", &msg)));
    }
    let at = check_range(b, offset, size)?;
    for i in 0..size {
        let byte = (value >> (8 * i)) as u8;
        let pos = if le { at + i } else { at + size - 1 - i };
        b[pos] = byte;
    }
    Ok((at + size) as i64)
}

/// `readUInt8`…`readInt32BE` and `writeUInt8`…`writeInt32BE`.
fn register_int_access(engine: &mut Engine) {
    for (size, signed, le, suffix) in [
        (1, false, true, "UInt8"),
        (1, true, true, "Int8"),
        (2, false, true, "UInt16LE"),
        (2, false, false, "UInt16BE"),
        (2, true, true, "Int16LE"),
        (2, true, false, "Int16BE"),
        (4, false, true, "UInt32LE"),
        (4, false, false, "UInt32BE"),
        (4, true, true, "Int32LE"),
        (4, true, false, "Int32BE"),
    ] {
        let (r, w) = (format!("read{suffix}"), format!("write{suffix}"));
        engine.register_fn(&r, move |b: &mut Blob| read(b, 0, size, signed, le));
        engine.register_fn(&r, move |b: &mut Blob, at: i64| read(b, at, size, signed, le));
        engine.register_fn(&w, move |b: &mut Blob, v: i64| write(b, v, 0, size, signed, le));
        engine.register_fn(&w, move |b: &mut Blob, v: i64, at: i64| write(b, v, at, size, signed, le));
        if suffix.contains("UInt") {
            // Node's lower-case aliases (`readUint8`, `writeUint32BE`…).
            let alias = suffix.replace("UInt", "Uint");
            engine.register_fn(format!("read{alias}"), move |b: &mut Blob, at: i64| read(b, at, size, signed, le));
            engine.register_fn(format!("write{alias}"), move |b: &mut Blob, v: i64, at: i64| {
                write(b, v, at, size, signed, le)
            });
        }
    }
}

pub fn register(engine: &mut Engine) {
    register_int_access(engine);
    engine.register_fn("fill", |b: &mut Blob, v: Dynamic| -> Res<Blob> {
        *b = alloc(&Dynamic::from(b.len() as i64), &v, None)?;
        Ok(b.clone())
    });
    engine.register_fn("compare", |b: &mut Blob, other: Blob| match (*b).cmp(&other) {
        std::cmp::Ordering::Less => -1_i64,
        std::cmp::Ordering::Equal => 0,
        std::cmp::Ordering::Greater => 1,
    });
    engine.register_type_with_name::<BufferStatics>("BufferConstructor");
    engine.register_fn("toString", |b: &mut Blob| String::from_utf8_lossy(b).into_owned());
    engine.register_fn("toString", |b: &mut Blob, enc: ImmutableString| to_string(b, &enc, 0, None));
    engine.register_fn("toString", |b: &mut Blob, enc: ImmutableString, s: i64| to_string(b, &enc, s, None));
    engine.register_fn("toString", |b: &mut Blob, enc: ImmutableString, s: i64, e: i64| to_string(b, &enc, s, Some(e)));
    engine.register_get("length", |b: &mut Blob| b.len() as i64);
    for name in ["slice", "subarray"] {
        engine.register_fn(name, |b: &mut Blob| b.clone());
        engine.register_fn(name, |b: &mut Blob, s: i64| slice(b, s, None));
        engine.register_fn(name, |b: &mut Blob, s: i64, e: i64| slice(b, s, Some(e)));
    }
    engine.register_fn("equals", |b: &mut Blob, other: Dynamic| -> Res<bool> {
        match other.read_lock::<Blob>() {
            Some(o) => Ok(*b == *o),
            None => Err(invalid_arg("otherBuffer", "Buffer or Uint8Array", &other)),
        }
    });
    engine.register_fn("indexOf", |b: &mut Blob, v: Dynamic| index_of(b, &v));
    engine.register_fn("includes", |b: &mut Blob, v: Dynamic| index_of(b, &v).map(|i| i >= 0));
    engine.register_fn("toJSON", |b: &mut Blob| {
        let mut m = Map::new();
        m.insert("type".into(), "Buffer".into());
        m.insert("data".into(), Dynamic::from_array(b.iter().map(|&x| Dynamic::from(x as i64)).collect()));
        m
    });

    engine.register_fn("from", |_: &mut BufferStatics, v: Dynamic| from(&v, None));
    engine.register_fn("from", |_: &mut BufferStatics, v: Dynamic, enc: Dynamic| {
        from(&v, (!enc.is_unit()).then(|| enc.to_string()).as_deref())
    });
    engine.register_fn("alloc", |_: &mut BufferStatics, n: Dynamic| alloc(&n, &Dynamic::UNIT, None));
    engine.register_fn("alloc", |_: &mut BufferStatics, n: Dynamic, fill: Dynamic| alloc(&n, &fill, None));
    engine.register_fn("alloc", |_: &mut BufferStatics, n: Dynamic, fill: Dynamic, enc: ImmutableString| {
        alloc(&n, &fill, Some(&enc))
    });
    engine.register_fn("allocUnsafe", |_: &mut BufferStatics, n: Dynamic| alloc(&n, &Dynamic::UNIT, None));
    engine.register_fn("concat", |_: &mut BufferStatics, list: Array| concat(&list, None));
    engine.register_fn("concat", |_: &mut BufferStatics, list: Array, total: i64| {
        // As Node: a total outside 0..=2^32 is refused (a huge one would abort on allocation).
        if !(0..=1 << 32).contains(&total) {
            let msg =
                format!("The value of \"length\" is out of range. It must be >= 0 && <= 4294967296. Received {total}");
            return Err(error::throw(error::coded("RangeError", "ERR_OUT_OF_RANGE", &msg)));
        }
        concat(&list, Some(total as usize))
    });
    engine.register_fn("isBuffer", |_: &mut BufferStatics, v: Dynamic| v.is_blob());
    engine.register_fn("compare", |_: &mut BufferStatics, a: Blob, b: Blob| match a.cmp(&b) {
        std::cmp::Ordering::Less => -1_i64,
        std::cmp::Ordering::Equal => 0,
        std::cmp::Ordering::Greater => 1,
    });
    engine.register_fn("isEncoding", |_: &mut BufferStatics, v: Dynamic| {
        v.is_string() && encoding::normalize(&v.to_string()).is_some()
    });
    engine.register_fn("byteLength", |_: &mut BufferStatics, v: Dynamic| from(&v, None).map(|b| b.len() as i64));
    engine.register_fn("byteLength", |_: &mut BufferStatics, v: Dynamic, enc: ImmutableString| {
        from(&v, Some(&enc)).map(|b| b.len() as i64)
    });
}
