//! `require("string_decoder")`: Node's `StringDecoder` over the same core the
//! readable streams use ([`crate::io::decode::Decoder`]).
//!
//! ```rhai
//! let d = require("string_decoder").StringDecoder("utf8");
//! print(d.write(Buffer.from([0xe2, 0x82])));   // "" (held back)
//! print(d.write(Buffer.from([0xac])));         // "€"
//! print(d.end());                              // ""
//! ```

use std::cell::RefCell;
use std::rc::Rc;

use rhai::{Blob, Dynamic, Engine, EvalAltResult};

use super::stream_text::parse;
use crate::io::decode::Decoder;
use crate::runtime::State;

type Res<T> = Result<T, Box<EvalAltResult>>;

/// What `require("string_decoder")` returns: `StringDecoder(enc)` is its method.
#[derive(Clone)]
pub struct StringDecoderModule;

#[derive(Clone)]
pub struct StringDecoder(Rc<RefCell<Decoder>>);

pub fn module(_st: &Rc<State>) -> Dynamic {
    Dynamic::from(StringDecoderModule)
}

fn make(enc: Option<&str>) -> Res<StringDecoder> {
    let enc = match enc {
        Some(e) => parse(e)?,
        None => "utf8",
    };
    Ok(StringDecoder(Rc::new(RefCell::new(Decoder::new(enc)))))
}

pub fn register(engine: &mut Engine) {
    engine.register_type_with_name::<StringDecoderModule>("StringDecoderConstructor");
    engine.register_type_with_name::<StringDecoder>("StringDecoder");
    engine.register_fn("StringDecoder", |_: &mut StringDecoderModule| make(None));
    engine.register_fn("StringDecoder", |_: &mut StringDecoderModule, enc: Dynamic| {
        make((!enc.is_unit()).then(|| enc.to_string()).as_deref())
    });
    engine.register_fn("write", |d: &mut StringDecoder, b: Blob| d.0.borrow_mut().write(&b));
    engine.register_fn("end", |d: &mut StringDecoder| d.0.borrow_mut().end());
    engine.register_fn("end", |d: &mut StringDecoder, b: Blob| {
        let mut dec = d.0.borrow_mut();
        let head = dec.write(&b);
        head + dec.end().as_str()
    });
    engine.register_get("encoding", |d: &mut StringDecoder| d.0.borrow().encoding());
}
