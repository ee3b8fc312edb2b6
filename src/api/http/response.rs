//! `http.ServerResponse` (the `res` of a request listener): status, headers, body.
//!
//! ```rhai
//! require("http").createServer(|req, res| {
//!     res.setHeader("Content-Type", "text/plain");
//!     res.statusCode = 200;
//!     res.write("hello ");   // headers go out with the first write: chunked
//!     res.end("world\n");
//! });
//! // or: res.writeHead(404, #{"X-Why": "gone"}); res.end();
//! ```
//!
//! `end(data)` before any `write` sends a `Content-Length`; otherwise the body is
//! chunked (HTTP/1.1) or delimited by closing the connection (HTTP/1.0), as in Node.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use rhai::{Array, Dynamic, Engine, EvalAltResult, FnPtr, Map, NativeCallContext};

use super::conn::Conn;
use super::request::Request;
use crate::api::events;
use crate::api::net::{Done, chunk_bytes};
use crate::net::http::headers::{is_token, is_valid_value};
use crate::net::http::response::{self, Framing, LAST_CHUNK, status_text};
use crate::runtime::callback::Callback;
use crate::runtime::emitter::Emitter;
use crate::runtime::{RhaiResult, State, Task};
use crate::value::error;

#[path = "response_api.rs"]
mod api;
pub use api::register;

type Res<T> = Result<T, Box<EvalAltResult>>;

pub struct ResponseInner {
    st: Rc<State>,
    me: Weak<ResponseInner>,
    emitter: Emitter,
    conn: Rc<Conn>,
    req: Request,
    status: Cell<i64>,
    reason: RefCell<Option<String>>,
    /// Names as set (case kept), in order; a name appears once.
    headers: RefCell<Vec<(String, Vec<String>)>>,
    send_date: Cell<bool>,
    head_sent: Cell<bool>,
    chunked: Cell<bool>,
    has_body: Cell<bool>,
    last: Cell<bool>,
    ended: Cell<bool>,
    finished: Cell<bool>,
    closed: Cell<bool>,
}

#[derive(Clone)]
pub struct Response(pub Rc<ResponseInner>);

fn throw(name: &str, code: &str, msg: &str) -> Box<EvalAltResult> {
    error::throw(error::coded(name, code, msg))
}

/// A header value as Node takes it: a string, a number, or an array of them.
fn header_values(name: &str, v: &Dynamic) -> Res<Vec<String>> {
    let one = |v: &Dynamic| -> Res<String> {
        if v.is_unit() {
            return Err(throw(
                "TypeError",
                "ERR_HTTP_INVALID_HEADER_VALUE",
                &format!("Invalid value \"undefined\" for header \"{name}\""),
            ));
        }
        let s = crate::api::to_text(v);
        if !is_valid_value(&s) {
            return Err(throw(
                "TypeError",
                "ERR_INVALID_CHAR",
                &format!("Invalid character in header content [\"{name}\"]"),
            ));
        }
        Ok(s)
    };
    match v.read_lock::<Array>() {
        Some(a) => a.iter().map(one).collect(),
        None => Ok(vec![one(v)?]),
    }
}

impl Response {
    pub fn new(st: &Rc<State>, conn: Rc<Conn>, req: Request) -> Response {
        Response(Rc::new_cyclic(|me| ResponseInner {
            st: st.clone(),
            me: me.clone(),
            emitter: Emitter::default(),
            conn,
            req,
            status: Cell::new(200),
            reason: RefCell::new(None),
            headers: RefCell::new(Vec::new()),
            send_date: Cell::new(true),
            head_sent: Cell::new(false),
            chunked: Cell::new(false),
            has_body: Cell::new(true),
            last: Cell::new(false),
            ended: Cell::new(false),
            finished: Cell::new(false),
            closed: Cell::new(false),
        }))
    }

    pub fn emit_drain(&self, engine: &Engine) -> Result<(), Box<EvalAltResult>> {
        self.0.emitter.emit(engine, "drain", &[]).map(drop)
    }

    pub fn headers_sent(&self) -> bool {
        self.0.head_sent.get()
    }

    /// The connection went away before the response finished: `close`.
    pub fn close(&self) {
        let me = self.0.clone();
        self.0.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| me.emit_close(engine))));
    }

    pub fn set_header(&self, name: &str, v: &Dynamic) -> Res<()> {
        if self.0.head_sent.get() {
            return Err(throw(
                "Error",
                "ERR_HTTP_HEADERS_SENT",
                "Cannot set headers after they are sent to the client",
            ));
        }
        if !is_token(name) {
            return Err(throw(
                "TypeError",
                "ERR_INVALID_HTTP_TOKEN",
                &format!("Header name must be a valid HTTP token [\"{name}\"]"),
            ));
        }
        let values = header_values(name, v)?;
        let mut hs = self.0.headers.borrow_mut();
        match hs.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
            Some(slot) => *slot = (name.to_string(), values),
            None => hs.push((name.to_string(), values)),
        }
        Ok(())
    }

    fn get_header(&self, name: &str) -> Dynamic {
        let hs = self.0.headers.borrow();
        match hs.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
            None => Dynamic::UNIT,
            Some((_, v)) if v.len() == 1 => v[0].clone().into(),
            Some((_, v)) => Dynamic::from_array(v.iter().cloned().map(Dynamic::from).collect()),
        }
    }

    fn remove_header(&self, name: &str) -> Res<()> {
        if self.0.head_sent.get() {
            return Err(throw(
                "Error",
                "ERR_HTTP_HEADERS_SENT",
                "Cannot remove headers after they are sent to the client",
            ));
        }
        self.0.headers.borrow_mut().retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        Ok(())
    }

    /// `writeHead(status, reason?, headers?)`: records them; they go out with the body.
    fn write_head(&self, status: &Dynamic, reason: Option<String>, headers: Option<Map>) -> Res<Response> {
        let code =
            status.as_int().ok().or_else(|| status.as_float().ok().filter(|f| f.fract() == 0.0).map(|f| f as i64));
        let code = match code {
            Some(c) if (100..=999).contains(&c) => c,
            _ => {
                let shown = crate::api::to_text(status);
                return Err(throw(
                    "RangeError",
                    "ERR_HTTP_INVALID_STATUS_CODE",
                    &format!("Invalid status code: {shown}"),
                ));
            }
        };
        if self.0.head_sent.get() {
            return Err(throw(
                "Error",
                "ERR_HTTP_HEADERS_SENT",
                "Cannot write headers after they are sent to the client",
            ));
        }
        self.0.status.set(code);
        if reason.is_some() {
            *self.0.reason.borrow_mut() = reason;
        }
        for (k, v) in headers.unwrap_or_default() {
            self.set_header(&k, &v)?;
        }
        Ok(self.clone())
    }

    pub fn write(&self, bytes: Vec<u8>, cb: Option<Callback>) -> bool {
        let i = &self.0;
        if i.ended.get() {
            let err = error::coded("Error", "ERR_STREAM_WRITE_AFTER_END", "write after end");
            if let Some(cb) = cb {
                i.st.next_tick(Task::Call(cb, vec![err.clone().into()]));
            }
            let me = i.clone();
            i.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| {
                me.emitter.emit(engine, "error", &[err.clone().into()]).map(|_| Dynamic::UNIT)
            })));
            return false;
        }
        let mut out = if i.head_sent.get() { Vec::new() } else { i.head(None) };
        if i.has_body.get() && !bytes.is_empty() {
            out.extend(if i.chunked.get() { response::chunk(&bytes) } else { bytes });
        }
        if out.is_empty() {
            if let Some(cb) = cb {
                i.st.next_tick(Task::Call(cb, vec![]));
            }
            return true;
        }
        i.conn.socket().write(out, cb.map(Done::Script))
    }

    pub fn end(&self, bytes: Vec<u8>, cb: Option<Callback>) {
        let i = &self.0;
        if let Some(cb) = cb {
            i.emitter.add("finish".into(), cb, true, false);
        }
        if i.ended.replace(true) {
            return;
        }
        let mut out = Vec::new();
        if !i.head_sent.get() {
            out = i.head(Some(bytes.len()));
            if i.has_body.get() {
                out.extend(bytes);
            }
        } else if i.has_body.get() {
            if i.chunked.get() {
                out.extend(response::chunk(&bytes));
                out.extend_from_slice(LAST_CHUNK);
            } else {
                out.extend(bytes);
            }
        }
        let me = i.clone();
        let done = Done::Native(Rc::new(move |engine: &Engine, err: Option<Map>| me.flushed(engine, err)));
        i.conn.socket().write(out, Some(done));
    }
}

impl ResponseInner {
    /// Serialises the head (Node's `_storeHeader`) and fixes the body framing.
    fn head(&self, content_length: Option<usize>) -> Vec<u8> {
        let status = self.status.get() as u16;
        let reason = self.reason.borrow().clone().unwrap_or_else(|| status_text(status).to_string());
        let req = self.req.head();
        let has_body = req.method != "HEAD" && !(status == 204 || status == 304 || (100..200).contains(&status));
        let te_chunked = req
            .headers
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case("te") && crate::net::http::headers::has_token(v, "chunked"));
        let lines: Vec<(String, String)> =
            self.headers.borrow().iter().flat_map(|(n, vs)| vs.iter().map(|v| (n.clone(), v.clone()))).collect();
        let f = Framing {
            keep_alive: req.keep_alive,
            chunked_ok: req.minor >= 1 || te_chunked,
            has_body,
            content_length,
            send_date: self.send_date.get(),
            keep_alive_timeout: self.conn.keep_alive_timeout(),
        };
        let h = response::head(status, &reason, &lines, &f);
        self.head_sent.set(true);
        self.has_body.set(has_body);
        self.chunked.set(h.chunked);
        self.last.set(h.last);
        h.bytes
    }

    /// The last bytes reached the kernel: the connection moves on, then `finish`.
    fn flushed(&self, engine: &Engine, err: Option<Map>) -> RhaiResult {
        if err.is_some() || self.finished.replace(true) {
            return Ok(Dynamic::UNIT);
        }
        self.conn.response_finished(&self.req, self.last.get());
        let me = self.me.upgrade().expect("a response outlives its own calls");
        self.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| me.emit_close(engine))));
        self.emitter.emit(engine, "finish", &[]).map(|_| Dynamic::UNIT)
    }

    fn emit_close(&self, engine: &Engine) -> RhaiResult {
        crate::api::stream_api::emit_close_once(&self.closed, &self.emitter, engine)
    }
}

crate::api::stream_api::event_target!(Response);
