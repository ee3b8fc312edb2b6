//! Pub/sub on a client (node-redis: on a `duplicate()` connection):
//! `subscribe(channel | [channels], |message, channel| …)`, `pSubscribe(pattern,
//! |message, channel| …)`, `unsubscribe`/`pUnsubscribe(name?, listener?)`. ioredis's
//! form works too: `subscribe("ch")` without a listener and
//! `on("message", |channel, message| …)` / `on("pmessage", |pattern, channel, message| …)`
//! (note the opposite argument order, as in the two Node clients).

use rhai::{Dynamic, Engine, EvalAltResult, FnPtr, NativeCallContext};

use super::client::{Client, Inner};
use super::commands::flatten;
use super::reply::Shape;
use crate::api::net::Outcome;
use crate::runtime::callback::Callback;
use crate::runtime::promise::Promise;

type Res<T> = Result<T, Box<EvalAltResult>>;

fn names(v: &Dynamic) -> Res<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    flatten(v, &mut out)?;
    Ok(out)
}

/// SUBSCRIBE/PSUBSCRIBE `names`, with `listener` on each.
pub fn subscribe(
    ctx: &NativeCallContext,
    c: &Client,
    pattern: bool,
    v: &Dynamic,
    listener: Option<FnPtr>,
) -> Res<Promise> {
    let names = names(v)?;
    let i = &c.0;
    if let Some(f) = listener {
        let cb = Callback::new(ctx, f);
        let mut map = if pattern { i.patterns.borrow_mut() } else { i.channels.borrow_mut() };
        for n in &names {
            map.entry(n.clone()).or_default().push(cb.clone());
        }
    }
    let verb = if pattern { "PSUBSCRIBE" } else { "SUBSCRIBE" };
    let mut args = vec![verb.as_bytes().to_vec()];
    args.extend(names);
    Ok(c.command(args, Shape::Unit))
}

/// UNSUBSCRIBE/PUNSUBSCRIBE: with a listener, only it goes, and the channel is left
/// when it had no other; without, every listener of the named channels (or of all).
pub fn unsubscribe(c: &Client, pattern: bool, v: Option<&Dynamic>, listener: Option<FnPtr>) -> Res<Promise> {
    let names = match v {
        Some(v) if !v.is_unit() => names(v)?,
        _ => Vec::new(),
    };
    let i = &c.0;
    let mut leave = Vec::new();
    {
        let mut map = if pattern { i.patterns.borrow_mut() } else { i.channels.borrow_mut() };
        if names.is_empty() {
            map.clear();
        }
        for n in &names {
            let empty = match (&listener, map.get_mut(n)) {
                (Some(f), Some(ls)) => {
                    ls.retain(|cb| !cb.is(f));
                    ls.is_empty()
                }
                _ => true,
            };
            if empty {
                map.remove(n);
                leave.push(n.clone());
            }
        }
    }
    let verb = if pattern { "PUNSUBSCRIBE" } else { "UNSUBSCRIBE" };
    if !names.is_empty() && leave.is_empty() {
        return Ok(Promise::resolved(&i.st.micro, Dynamic::UNIT));
    }
    let mut args = vec![verb.as_bytes().to_vec()];
    args.extend(leave);
    Ok(c.command(args, Shape::Unit))
}

fn text(b: &[u8]) -> Dynamic {
    String::from_utf8_lossy(b).into_owned().into()
}

/// A published message: the listeners of its channel (or pattern) get
/// `(message, channel)`, then the client's `message` (`pmessage`) event.
pub fn deliver(i: &Inner, engine: &Engine, pattern: Option<Vec<u8>>, channel: Vec<u8>, message: Vec<u8>) -> Outcome {
    let (ch, msg) = (text(&channel), text(&message));
    let listeners = match &pattern {
        Some(p) => i.patterns.borrow().get(p).cloned(),
        None => i.channels.borrow().get(&channel).cloned(),
    };
    for cb in listeners.unwrap_or_default() {
        let _ = cb.call(engine, vec![msg.clone(), ch.clone()])?;
    }
    match pattern {
        Some(p) => i.emitter.emit(engine, "pmessage", &[text(&p), ch, msg])?,
        None => i.emitter.emit(engine, "message", &[ch, msg])?,
    };
    Ok(())
}
