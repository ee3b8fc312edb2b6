//! The script surface of `http.ServerResponse`: its properties and methods
//! registered on the engine (the response itself is in `response.rs`).

use super::*;
use crate::api::stream_api;

/// `write(data, enc?, cb?)` and `end(data?, enc?, cb?)` arguments: data, then the
/// callback wherever it is last.
fn split(ctx: &NativeCallContext, mut args: Vec<Dynamic>) -> Res<(Vec<u8>, Option<Callback>)> {
    let cb = match args.last() {
        Some(v) if v.is_fnptr() => args.pop().and_then(|v| v.try_cast::<FnPtr>()).map(|f| Callback::new(ctx, f)),
        _ => None,
    };
    let enc = args.get(1).filter(|v| v.is_string()).map(|v| v.to_string());
    let bytes = match args.first() {
        None => Vec::new(),
        Some(v) if v.is_unit() => Vec::new(),
        Some(v) => chunk_bytes(v, enc.as_deref())?,
    };
    Ok((bytes, cb))
}

fn write(ctx: &NativeCallContext, r: &Response, args: Vec<Dynamic>) -> Res<bool> {
    let (bytes, cb) = split(ctx, args)?;
    Ok(r.write(bytes, cb))
}

fn end(ctx: &NativeCallContext, r: &Response, args: Vec<Dynamic>) -> Res<Response> {
    let (bytes, cb) = split(ctx, args)?;
    r.end(bytes, cb);
    Ok(r.clone())
}

pub fn register(engine: &mut Engine, st: &Rc<State>) {
    engine.register_type_with_name::<Response>("ServerResponse");
    events::register::<Response>(engine, st);
    engine.register_get_set(
        "statusCode",
        |r: &mut Response| r.0.status.get(),
        |r: &mut Response, v: i64| r.0.status.set(v),
    );
    engine.register_get("statusMessage", |r: &mut Response| {
        r.0.reason.borrow().clone().unwrap_or_else(|| status_text(r.0.status.get() as u16).to_string())
    });
    engine.register_set("statusMessage", |r: &mut Response, v: Dynamic| *r.0.reason.borrow_mut() = Some(v.to_string()));
    engine.register_get_set(
        "sendDate",
        |r: &mut Response| r.0.send_date.get(),
        |r: &mut Response, v: bool| r.0.send_date.set(v),
    );
    engine.register_get("headersSent", |r: &mut Response| r.0.head_sent.get());
    engine.register_get("writableEnded", |r: &mut Response| r.0.ended.get());
    engine.register_get("finished", |r: &mut Response| r.0.ended.get());
    engine.register_get("writableFinished", |r: &mut Response| r.0.finished.get());
    engine.register_get("req", |r: &mut Response| r.0.req.clone());
    engine.register_get("socket", |r: &mut Response| r.0.conn.socket().clone());
    engine.register_fn("setHeader", |r: &mut Response, name: Dynamic, v: Dynamic| -> Res<Response> {
        r.set_header(&name.to_string(), &v)?;
        Ok(r.clone())
    });
    engine.register_fn("getHeader", |r: &mut Response, name: Dynamic| r.get_header(&name.to_string()));
    engine.register_fn("hasHeader", |r: &mut Response, name: Dynamic| !r.get_header(&name.to_string()).is_unit());
    engine.register_fn("removeHeader", |r: &mut Response, name: Dynamic| r.remove_header(&name.to_string()));
    engine.register_fn("getHeaderNames", |r: &mut Response| -> Array {
        r.0.headers.borrow().iter().map(|(n, _)| Dynamic::from(n.to_ascii_lowercase())).collect()
    });
    engine.register_fn("getHeaders", |r: &mut Response| -> Map {
        let names: Vec<String> = r.0.headers.borrow().iter().map(|(n, _)| n.clone()).collect();
        names.into_iter().map(|n| (n.to_ascii_lowercase().into(), r.get_header(&n))).collect()
    });
    engine.register_fn("writeHead", |r: &mut Response, s: Dynamic| r.write_head(&s, None, None));
    engine.register_fn("writeHead", |r: &mut Response, s: Dynamic, h: Dynamic| {
        if h.is_string() {
            return r.write_head(&s, Some(h.to_string()), None);
        }
        r.write_head(&s, None, h.try_cast::<Map>())
    });
    engine.register_fn("writeHead", |r: &mut Response, s: Dynamic, reason: Dynamic, h: Dynamic| {
        r.write_head(&s, Some(reason.to_string()), h.try_cast::<Map>())
    });
    engine.register_fn("flushHeaders", |r: &mut Response| {
        if !r.0.head_sent.get() {
            let head = r.0.head(None);
            r.0.conn.socket().write(head, None);
        }
    });
    stream_api::register_varargs(engine, "write", 1, 3, write);
    stream_api::register_varargs(engine, "end", 0, 3, end);
}
