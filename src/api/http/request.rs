//! `http.IncomingMessage` (the `req` of a request listener): the parsed head and the
//! body as a readable stream.
//!
//! ```rhai
//! require("http").createServer(|req, res| {
//!     print(`${req.method} ${req.url} ${req.headers["content-type"]}`);
//!     let body = "";
//!     req.on("data", |chunk| body += chunk.toString());
//!     req.on("end", || res.end(`got ${body.len()} chars`));
//! });
//! ```
//!
//! Like Node's, the body waits until something consumes it, and `end` comes only
//! after that; a request nobody read is drained (`_dump`) when its response ends.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use rhai::{Array, Dynamic, Engine, EvalAltResult, ImmutableString, Map};

use crate::api::events;
use crate::api::net::{Outcome, Socket};
use crate::api::stream_text::parse;
use crate::io::decode::TextMode;
use crate::io::readable::{self, Readable};
use crate::net::http::RequestHead;
use crate::net::http::client::ResponseHead;
use crate::net::http::headers::{Fold, fold_of};
use crate::runtime::emitter::Emitter;
use crate::runtime::{RhaiResult, State, Task};

type Res<T> = Result<T, Box<EvalAltResult>>;

pub struct RequestInner {
    st: Rc<State>,
    me: Weak<RequestInner>,
    emitter: Emitter,
    head: RequestHead,
    /// A client's response: the status code and message.
    status: Option<(u16, String)>,
    headers: Map,
    socket: Socket,
    flow: RefCell<Readable>,
    text: TextMode,
    /// The whole body arrived (Node's `complete`).
    complete: Cell<bool>,
    /// Something asked for the body (a `data` listener, `resume()`).
    consuming: Cell<bool>,
    aborted: Cell<bool>,
    closed: Cell<bool>,
}

#[derive(Clone)]
pub struct Request(pub Rc<RequestInner>);

/// Node's `req.headers`: lower-case names, repeated headers folded its way.
fn fold_headers(raw: &[(String, String)]) -> Map {
    let mut m = Map::new();
    for (name, value) in raw {
        let key = name.to_ascii_lowercase();
        let fold = fold_of(&key);
        match m.get_mut(key.as_str()) {
            None if fold == Fold::Array => {
                m.insert(key.into(), Dynamic::from_array(vec![value.clone().into()]));
            }
            None => {
                m.insert(key.into(), value.clone().into());
            }
            Some(v) => match fold {
                Fold::First => {}
                Fold::Array => {
                    if let Some(mut a) = v.write_lock::<Array>() {
                        a.push(value.clone().into());
                    }
                }
                Fold::Semicolon => *v = format!("{v}; {value}").into(),
                Fold::Comma => *v = format!("{v}, {value}").into(),
            },
        }
    }
    m
}

impl Request {
    pub fn new(st: &Rc<State>, head: RequestHead, socket: Socket) -> Request {
        Request::with_status(st, head, None, socket)
    }

    /// The `res` of an `http.request` (Node's IncomingMessage on the client side).
    pub fn response(st: &Rc<State>, head: ResponseHead, socket: Socket) -> Request {
        let req_head = RequestHead {
            method: String::new(),
            url: String::new(),
            minor: head.minor,
            headers: head.headers,
            keep_alive: head.keep_alive,
            expect_continue: false,
        };
        Request::with_status(st, req_head, Some((head.status, head.reason)), socket)
    }

    fn with_status(st: &Rc<State>, head: RequestHead, status: Option<(u16, String)>, socket: Socket) -> Request {
        let headers = fold_headers(&head.headers);
        Request(Rc::new_cyclic(|me| RequestInner {
            st: st.clone(),
            me: me.clone(),
            emitter: Emitter::default(),
            head,
            status,
            headers,
            socket,
            flow: RefCell::new(Readable::default()),
            text: TextMode::default(),
            complete: Cell::new(false),
            consuming: Cell::new(false),
            aborted: Cell::new(false),
            closed: Cell::new(false),
        }))
    }

    pub fn head(&self) -> &RequestHead {
        &self.0.head
    }

    /// A body chunk arrived.
    pub fn push(&self, engine: &Engine, bytes: Vec<u8>) -> Outcome {
        let now = self.0.flow.borrow_mut().push(bytes);
        match now {
            Some(bytes) => self.0.emit_data(engine, bytes),
            None => Ok(()),
        }
    }

    /// The whole body arrived (Node's `complete`).
    pub fn complete_body(&self) -> bool {
        self.0.complete.get()
    }

    /// The body is complete: `end` once it has been consumed.
    pub fn complete(&self) {
        self.0.complete.set(true);
        self.0.flow.borrow_mut().set_eof();
        self.0.maybe_end();
    }

    /// Node's `_dump`: a body nobody asked for is read and dropped so the connection
    /// can go on (and `end` fires).
    pub fn dump(&self) {
        if !self.0.consuming.get() {
            self.0.emitter.remove_all(Some("data"));
            self.0.resume();
        }
    }

    /// The connection closed before the body was complete: `aborted`, then `close`.
    pub fn abort(&self) {
        let i = &self.0;
        if i.complete.get() || i.aborted.replace(true) {
            return self.close();
        }
        let me = i.rc();
        i.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| {
            me.emitter.emit(engine, "aborted", &[])?;
            me.emit_close(engine)
        })));
    }

    /// `close` on a tick (after the response finished or the connection went away).
    pub fn close(&self) {
        let me = self.0.rc();
        self.0.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| me.emit_close(engine))));
    }
}

impl RequestInner {
    fn rc(&self) -> Rc<RequestInner> {
        self.me.upgrade().expect("a request outlives its own calls")
    }

    fn emit_data(&self, engine: &Engine, bytes: Vec<u8>) -> Outcome {
        let Some(chunk) = self.text.chunk(bytes) else { return Ok(()) };
        self.emitter.emit(engine, "data", &[chunk.into()]).map(drop)
    }

    fn resume(&self) {
        self.consuming.set(true);
        if self.flow.borrow_mut().resume() {
            // Node's `resume()` flows on the next tick.
            let me = self.rc();
            self.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| me.flow(engine))));
        }
    }

    fn flow(&self, engine: &Engine) -> RhaiResult {
        readable::flow(&self.flow, |chunk| self.emit_data(engine, chunk))?;
        if self.flow.borrow_mut().take_end() {
            return self.emit_end(engine);
        }
        Ok(Dynamic::UNIT)
    }

    fn maybe_end(&self) {
        if self.flow.borrow_mut().take_end() {
            let me = self.rc();
            self.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| me.emit_end(engine))));
        }
    }

    fn emit_end(&self, engine: &Engine) -> RhaiResult {
        if let Some(rest) = self.text.rest() {
            self.emitter.emit(engine, "data", &[rest.into()])?;
        }
        self.emitter.emit(engine, "end", &[]).map(|_| Dynamic::UNIT)
    }

    fn emit_close(&self, engine: &Engine) -> RhaiResult {
        crate::api::stream_api::emit_close_once(&self.closed, &self.emitter, engine)
    }
}

crate::api::stream_api::event_target!(Request, readable);

fn set_encoding(r: &Request, enc: &str) -> Res<Request> {
    r.0.text.set(parse(enc)?);
    Ok(r.clone())
}

pub fn register(engine: &mut Engine, st: &Rc<State>) {
    engine.register_type_with_name::<Request>("IncomingMessage");
    events::register::<Request>(engine, st);
    engine.register_get("method", |r: &mut Request| r.0.head.method.clone());
    engine.register_get("url", |r: &mut Request| r.0.head.url.clone());
    engine.register_get("statusCode", |r: &mut Request| {
        r.0.status.as_ref().map(|s| Dynamic::from(s.0 as i64)).unwrap_or_default()
    });
    engine.register_get("statusMessage", |r: &mut Request| {
        r.0.status.as_ref().map(|s| Dynamic::from(s.1.clone())).unwrap_or_default()
    });
    engine.register_get("headers", |r: &mut Request| r.0.headers.clone());
    engine.register_get("rawHeaders", |r: &mut Request| -> Array {
        r.0.head.headers.iter().flat_map(|(n, v)| [Dynamic::from(n.clone()), Dynamic::from(v.clone())]).collect()
    });
    engine.register_get("httpVersion", |r: &mut Request| format!("1.{}", r.0.head.minor));
    engine.register_get("httpVersionMajor", |_: &mut Request| 1_i64);
    engine.register_get("httpVersionMinor", |r: &mut Request| r.0.head.minor as i64);
    engine.register_get("complete", |r: &mut Request| r.0.complete.get());
    engine.register_get("aborted", |r: &mut Request| r.0.aborted.get());
    engine.register_get("socket", |r: &mut Request| r.0.socket.clone());
    engine.register_get("connection", |r: &mut Request| r.0.socket.clone());
    engine.register_fn("setEncoding", |r: &mut Request| set_encoding(r, "utf8"));
    engine.register_fn("setEncoding", |r: &mut Request, enc: ImmutableString| set_encoding(r, &enc));
    engine.register_fn("resume", |r: &mut Request| {
        r.0.resume();
        r.clone()
    });
    engine.register_fn("pause", |r: &mut Request| {
        r.0.flow.borrow_mut().pause();
        r.clone()
    });
    engine.register_fn("isPaused", |r: &mut Request| r.0.flow.borrow().is_paused());
    engine.register_fn("destroy", |r: &mut Request| {
        r.0.socket.destroy(None);
        r.clone()
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_fold_like_node() {
        let raw: Vec<(String, String)> = [
            ("Host", "a"),
            ("host", "b"),
            ("Accept", "x"),
            ("ACCEPT", "y"),
            ("Set-Cookie", "1"),
            ("set-cookie", "2"),
            ("Cookie", "c=1"),
            ("cookie", "d=2"),
        ]
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
        let m = fold_headers(&raw);
        assert_eq!(m["host"].to_string(), "a");
        assert_eq!(m["accept"].to_string(), "x, y");
        assert_eq!(m["cookie"].to_string(), "c=1; d=2");
        assert_eq!(m["set-cookie"].clone().into_array().unwrap().len(), 2);
    }
}
