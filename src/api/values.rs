//! How values turn into text where JavaScript would call `String(x)`: `${x}` in a
//! template string and `x.to_string()`. A Buffer (BLOB, a child's `data`) gives its
//! UTF-8 text, as `"" + chunk` already does; a float gives JavaScript's number text
//! (`Infinity`, `NaN`, `2` for `2.0`).
//!
//! ```rhai
//! c.stdout.on("data", |chunk| print(`got ${chunk}`));   // the text, not [68690a]
//! print(`${10 / 4} ${1 / 0}`);                            // 2.5 Infinity
//! ```

use rhai::{Blob, Engine};

use crate::value::js_number;

pub fn register(engine: &mut Engine) {
    engine.register_fn("to_string", |b: &mut Blob| String::from_utf8_lossy(b).into_owned());
    engine.register_fn("to_string", |f: f64| js_number(f));
}
