//! The fork channel in a forked child: adopting the descriptor named by
//! `NODE_CHANNEL_FD`, and the script surface on `process` (`send`, `connected`,
//! `disconnect()`, `channel.ref()`/`unref()`, the card's global `send`).

use std::rc::Rc;

use rhai::{Dynamic, Engine};

use super::Endpoint;
use crate::runtime::callback::Callback;
use crate::runtime::{State, borrowed_arg};
use crate::sys::environ;
use crate::value::error;

/// The channel to our parent, when we were forked (a slot on the runtime state,
/// put once at start-up; this module's own bindings capture the endpoint instead).
struct Parent(Endpoint);

pub fn parent(st: &State) -> Option<Endpoint> {
    st.slots.get::<Parent>().map(|p| p.0.clone())
}

/// In a forked child: adopt the channel named by `NODE_CHANNEL_FD` and remove the
/// variables from the environment, as Node does. A value that is not an open socket
/// descriptor (`-1`, `abc`, a closed fd) is a start-up error, exit status 1, as
/// Node's is (Node fails an internal assertion); see [`channel_fd`].
fn adopt_parent_channel(st: &Rc<State>) -> Option<Endpoint> {
    let text = environ::get("NODE_CHANNEL_FD").filter(|t| !t.is_empty())?;
    let mode = environ::get("NODE_CHANNEL_SERIALIZATION_MODE").unwrap_or_else(|| "json".into());
    let _ = environ::remove("NODE_CHANNEL_FD");
    let _ = environ::remove("NODE_CHANNEL_SERIALIZATION_MODE");
    let fd = match channel_fd(&text) {
        Ok(fd) => fd,
        Err(why) => {
            eprintln!("procbox: NODE_CHANNEL_FD={text:?} {why}; cannot open the IPC channel to the parent");
            std::process::exit(1);
        }
    };
    if mode != "json" {
        st.eprint(&format!("procbox: IPC serialization '{mode}' is not supported; only 'json'\n"));
        return None;
    }
    // The parent passed it for the channel alone; the stream adopting it makes it
    // non-blocking.
    let owned = crate::sys::fd::take_number(fd).ok()?;
    let ep = Endpoint::open(st, owned, st.process.clone(), false)?;
    ep.set_peer("the IPC channel to the parent");
    st.slots.put(Parent(ep.clone()));
    let e = ep.clone();
    st.hooks.on_process_listeners(Rc::new(move |st, event| {
        if event == "message" || event == "disconnect" {
            listeners_changed(st, &e);
        }
    }));
    // Waiting for messages with nothing else to do: the code and data start-up (or
    // the last burst of messages) ran need not stay mapped (see sys::trim).
    st.hooks.on_before_idle_wait(Rc::new(crate::sys::trim::release_idle_pages));
    Some(ep)
}

/// The descriptor `NODE_CHANNEL_FD` names, if it is a usable one: a non-negative
/// integer naming an open socket.
fn channel_fd(text: &str) -> Result<i32, &'static str> {
    let fd = text.trim().parse::<i32>().map_err(|_| "is not a descriptor number")?;
    if fd < 0 {
        return Err("is negative");
    }
    match crate::sys::fd::number_is_socket(fd) {
        Err(_) => Err("is not an open descriptor"),
        Ok(false) => Err("is not a socket"),
        Ok(true) => Ok(fd),
    }
}

/// `process.on("message" | "disconnect")` changed: a child's channel keeps it alive
/// only while someone listens (Node's rule), and waiting messages get delivered.
fn listeners_changed(st: &State, ep: &Endpoint) {
    ep.set_want_ref(st.process.has("message") || st.process.has("disconnect"));
    ep.flush_backlog();
}

/// `process.channel`: `ref()`/`unref()` of the child's channel.
#[derive(Clone)]
pub struct ParentChannel(Endpoint);

fn process_send(
    parent: &Option<Endpoint>,
    msg: &Dynamic,
    handle: Option<Dynamic>,
    cb: Option<Callback>,
) -> Result<bool, Box<rhai::EvalAltResult>> {
    match parent {
        Some(ep) => ep.send(msg, handle.as_ref(), cb),
        None => Err(error::throw(error::coded(
            "TypeError",
            "ERR_IPC_NO_CHANNEL",
            "process.send is only available in a forked process",
        ))),
    }
}

pub fn register(engine: &mut Engine, st: &Rc<State>) {
    use crate::api::process::Process;
    use rhai::{FnPtr, NativeCallContext};
    // Adopted before any script runs and never replaced: the bindings capture it.
    let parent = adopt_parent_channel(st);
    engine.register_type_with_name::<ParentChannel>("Channel");
    let p = parent.clone();
    // `process.send(m)` reads `m` where it is (rhai's `js_borrowed_args`): the message is
    // encoded from the script's variable, not from a copy made for the call.
    let arg_types = [std::any::TypeId::of::<Process>(), std::any::TypeId::of::<Dynamic>()];
    engine.register_js_borrowing_fn("send", arg_types, move |_, args| {
        // Locked for reading only while it is encoded: sending runs no script.
        let msg = borrowed_arg::<Dynamic>(args[1], "send")?;
        process_send(&p, &msg, None, None)
    });
    let p = parent.clone();
    engine.register_fn("send", move |ctx: NativeCallContext, _: &mut Process, msg: Dynamic, f: FnPtr| {
        process_send(&p, &msg, None, Some(Callback::new(&ctx, f)))
    });
    let p = parent.clone();
    engine.register_fn("send", move |_: &mut Process, msg: Dynamic, handle: Dynamic| {
        process_send(&p, &msg, Some(handle), None)
    });
    let p = parent.clone();
    engine.register_fn(
        "send",
        move |ctx: NativeCallContext, _: &mut Process, msg: Dynamic, handle: Dynamic, f: FnPtr| {
            process_send(&p, &msg, Some(handle), Some(Callback::new(&ctx, f)))
        },
    );
    let p = parent.clone();
    engine.register_get("connected", move |_: &mut Process| p.as_ref().is_some_and(|ep| ep.connected()));
    // `if process.send == () { … }`: the seed tells parent from forked child this way
    // (Node's `process.send` is undefined outside a fork).
    let p = parent.clone();
    #[allow(deprecated)]
    engine.register_get("send", move |_: &mut Process| -> Dynamic {
        if p.is_none() {
            return Dynamic::UNIT;
        }
        let p = p.clone();
        FnPtr::from_fn("send", move |_, args| {
            let unit = Dynamic::UNIT;
            let msg = args.first().map_or(&unit, |a| &**a);
            process_send(&p, msg, None, None).map(Dynamic::from)
        })
        .map(Dynamic::from)
        .unwrap_or(Dynamic::UNIT)
    });
    let p = parent.clone();
    engine.register_fn("disconnect", move |_: &mut Process| {
        if let Some(ep) = &p {
            ep.disconnect();
        }
    });
    let p = parent.clone();
    engine.register_get("channel", move |_: &mut Process| match &p {
        Some(ep) => Dynamic::from(ParentChannel(ep.clone())),
        None => Dynamic::UNIT,
    });
    engine.register_fn("ref", |c: &mut ParentChannel| c.0.set_want_ref(true));
    engine.register_fn("unref", |c: &mut ParentChannel| c.0.set_want_ref(false));
    // The card's `send(msg)`: to the parent.
    engine.register_fn("send", move |msg: Dynamic| process_send(&parent, &msg, None, None));
}
