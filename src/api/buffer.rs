//! BLOBs as Node's Buffer where scripts meet them (child output, stdin chunks):
//! `toString()` (UTF-8, invalid bytes as U+FFFD), `toString(encoding)` and `length`.
//!
//! ```rhai
//! let c = spawn("echo", ["hi"]);
//! c.stdout.on("data", |chunk| print(`${chunk.length} bytes: ${chunk.toString("utf-8")}`));
//! ```

use rhai::{Blob, Engine, EvalAltResult, ImmutableString};

use crate::value::{encoding, error};

pub fn register(engine: &mut Engine) {
    engine.register_fn("toString", |b: &mut Blob| String::from_utf8_lossy(b).into_owned());
    engine.register_fn("toString", |b: &mut Blob, enc: ImmutableString| -> Result<String, Box<EvalAltResult>> {
        match encoding::normalize(&enc) {
            Some(enc) => Ok(encoding::decode(b, enc)),
            None => Err(error::throw(error::coded(
                "TypeError",
                "ERR_UNKNOWN_ENCODING",
                &format!("Unknown encoding: {enc}"),
            ))),
        }
    });
    engine.register_get("length", |b: &mut Blob| b.len() as i64);
}
