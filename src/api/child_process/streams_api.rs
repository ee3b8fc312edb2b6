//! The script surface of a child's stdio streams (`Readable` stdout/stderr,
//! `Writable` stdin): their methods, and `readable.pipe(dest)`.

use super::*;
use crate::api::stream_api::{self, Flow};

fn chunk_bytes(v: &Dynamic) -> Res<Vec<u8>> {
    if let Some(b) = v.read_lock::<Blob>() {
        return Ok(b.clone());
    }
    // The string's bytes as they are: `to_string()` would run them through `Display`.
    if let Some(s) = v.read_lock::<rhai::ImmutableString>() {
        return Ok(s.as_bytes().to_vec());
    }
    Err(options::thrown(
        "TypeError",
        "ERR_INVALID_ARG_TYPE",
        format!(
            "The \"chunk\" argument must be of type string or an instance of Buffer or Uint8Array. Received {}",
            options::received(v)
        ),
    ))
}

fn encoding_arg(v: &str) -> Res<&'static str> {
    encoding::normalize(v)
        .ok_or_else(|| options::thrown("TypeError", "ERR_UNKNOWN_ENCODING", format!("Unknown encoding: {v}")))
}

/// `readable.pipe(dest)`: procbox's stdout/stderr (never ended, as in Node) or a
/// child's stdin (ended at EOF, with backpressure through `drain`).
fn pipe(st: &Rc<State>, src: &Readable, dest: Dynamic) -> Res<Dynamic> {
    if let Some(out) = dest.clone().try_cast::<Stdout>() {
        let (st, fd) = (st.clone(), out.fd());
        src.add_sink(Sink {
            data: Box::new(move |_, bytes| {
                {
                    let mut o = st.out.borrow_mut();
                    let _ = if fd == 2 { o.stderr(bytes) } else { o.stdout(bytes) };
                }
                st.after_output();
            }),
            end: None,
        });
    } else if let Some(w) = dest.clone().try_cast::<Writable>() {
        let w2 = w.clone();
        src.add_sink(Sink {
            data: Box::new(move |r, bytes| {
                if !w.write(bytes.to_vec(), None) && !r.is_paused() {
                    r.pause();
                    let r = r.clone();
                    w.on_drain(Box::new(move || r.resume()));
                }
            }),
            end: Some(Box::new(move || w2.end())),
        });
    } else {
        return Err(options::thrown(
            "TypeError",
            "ERR_INVALID_ARG_TYPE",
            format!(
                "The \"destination\" argument must be a writable stream (process.stdout, process.stderr or a child's stdin). Received {}",
                options::received(&dest)
            ),
        ));
    }
    src.resume();
    Ok(dest)
}

pub(super) fn register_streams(engine: &mut Engine, st: &Rc<State>) {
    engine.register_type_with_name::<Readable>("Readable");
    events::register::<Readable>(engine, st);
    engine.register_fn("setEncoding", |r: &mut Readable| {
        r.set_encoding("utf8");
        r.clone()
    });
    engine.register_fn("setEncoding", |r: &mut Readable, enc: ImmutableString| -> Res<Readable> {
        r.set_encoding(encoding_arg(&enc)?);
        Ok(r.clone())
    });
    stream_api::register_flow::<Readable>(engine);
    engine.register_fn("destroy", |r: &mut Readable| {
        r.destroy();
        r.clone()
    });
    let s = st.clone();
    engine.register_fn("pipe", move |r: &mut Readable, dest: Dynamic| pipe(&s, r, dest));
    engine.register_get("readable", |r: &mut Readable| r.readable());
    engine
        .register_get("readableEncoding", |r: &mut Readable| r.encoding().map(Dynamic::from).unwrap_or(Dynamic::UNIT));

    engine.register_type_with_name::<Writable>("Writable");
    events::register::<Writable>(engine, st);
    engine.register_fn("write", |w: &mut Writable, data: Dynamic| -> Res<bool> {
        Ok(w.write(chunk_bytes(&data)?, None))
    });
    engine.register_fn("write", |ctx: NativeCallContext, w: &mut Writable, data: Dynamic, cb: Dynamic| -> Res<bool> {
        // `write(data, encoding)` or `write(data, callback)`.
        let cb = if cb.is_string() { None } else { callback_arg(&ctx, &cb)? };
        Ok(w.write(chunk_bytes(&data)?, cb))
    });
    engine.register_fn(
        "write",
        |ctx: NativeCallContext, w: &mut Writable, data: Dynamic, _enc: Dynamic, cb: Dynamic| -> Res<bool> {
            Ok(w.write(chunk_bytes(&data)?, callback_arg(&ctx, &cb)?))
        },
    );
    engine.register_fn("end", |w: &mut Writable| {
        w.end();
        w.clone()
    });
    engine.register_fn("end", move |ctx: NativeCallContext, w: &mut Writable, data: Dynamic| -> Res<Writable> {
        if let Some(cb) = data.clone().try_cast::<FnPtr>() {
            w.end_with(Callback::new(&ctx, cb));
            return Ok(w.clone());
        } else if !data.is_unit() {
            w.write(chunk_bytes(&data)?, None);
        }
        w.end();
        Ok(w.clone())
    });
    engine.register_fn(
        "end",
        move |ctx: NativeCallContext, w: &mut Writable, data: Dynamic, cb: FnPtr| -> Res<Writable> {
            if !data.is_unit() {
                w.write(chunk_bytes(&data)?, None);
            }
            w.end_with(Callback::new(&ctx, cb));
            Ok(w.clone())
        },
    );
    engine.register_fn("destroy", |w: &mut Writable| {
        w.destroy();
        w.clone()
    });
    engine.register_get("writable", |w: &mut Writable| w.writable());
    engine.register_get("writableLength", |w: &mut Writable| w.writable_length() as i64);
}

impl Flow for Readable {
    fn pause(&self) {
        Readable::pause(self)
    }
    fn resume(&self) {
        Readable::resume(self)
    }
    fn is_paused(&self) -> bool {
        Readable::is_paused(self)
    }
}
