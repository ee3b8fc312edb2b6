//! `http.ClientRequest`: one request on its own connection (Node's `agent: false`:
//! `Connection: close`, no pooling). The socket is procbox's `net.Socket` with this
//! request as its consumer; the response is parsed by `crate::net::http::client` and
//! given to the script as an `IncomingMessage` (the server's `req` type, with
//! `statusCode`/`statusMessage`).
//!
//! Events on the request: `socket`, `response`, `finish`, `timeout`, `error`
//! (`connect ECONNREFUSED 127.0.0.1:PORT`, `socket hang up`), `close`.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use rhai::{Dynamic, Engine, Map};

use super::request::Request;
use crate::api::events::EventTarget;
use crate::api::net::{Consumer, Done, Outcome, Socket};
use crate::event_loop::TimerId;
use crate::net::http::client::{Event, Framing, ResponseParser, request_head};
use crate::runtime::emitter::Emitter;
use crate::runtime::{State, Task};
use crate::value::error;

pub struct ClientInner {
    pub(super) st: Rc<State>,
    pub(super) emitter: Emitter,
    pub(super) method: String,
    pub(super) path: String,
    pub(super) host: String,
    pub(super) headers: RefCell<Vec<(String, String)>>,
    pub(super) sock: Socket,
    parser: RefCell<ResponseParser>,
    pub(super) head_sent: Cell<bool>,
    chunked: Cell<bool>,
    pub(super) ended: Cell<bool>,
    pub(super) finished: Cell<bool>,
    res: RefCell<Option<Request>>,
    /// Set by `destroy(err)`, a socket error or a parse error: emitted at close.
    pending_error: RefCell<Option<Map>>,
    pub(super) destroyed: Cell<bool>,
    aborted: Cell<bool>,
    timeout: Cell<Option<(u64, TimerId)>>,
    /// What the socket holds: this request, until the socket closed.
    link: Rc<Link>,
}

/// The socket's consumer: a strong reference to the request while it is in flight
/// (the script may have dropped its handle), let go at close so the two do not keep
/// each other alive.
pub struct Link(RefCell<Option<Rc<ClientInner>>>);

impl Link {
    fn get(&self) -> Option<Rc<ClientInner>> {
        self.0.borrow().clone()
    }
}

/// A script's `ClientRequest`: a shared handle.
#[derive(Clone)]
pub struct ClientRequest(pub Rc<ClientInner>);

impl EventTarget for ClientRequest {
    fn emitter(&self) -> &Emitter {
        &self.0.emitter
    }
}

/// Node's `socket hang up` (`ECONNRESET`): the connection ended before a response.
fn hang_up() -> Map {
    error::coded("Error", "ECONNRESET", "socket hang up")
}

/// Methods whose request gets no Content-Length or chunked framing (Node's
/// `useChunkedEncodingByDefault` is false for them).
fn bodyless(method: &str) -> bool {
    matches!(method, "GET" | "HEAD" | "DELETE" | "OPTIONS" | "TRACE" | "CONNECT")
}

impl ClientRequest {
    pub fn new(st: &Rc<State>, method: String, path: String, host: String, headers: Vec<(String, String)>) -> Self {
        let head_request = method == "HEAD";
        let link = Rc::new(Link(RefCell::new(None)));
        let inner = Rc::new(ClientInner {
            st: st.clone(),
            emitter: Emitter::default(),
            method,
            path,
            host,
            headers: RefCell::new(headers),
            sock: Socket::new(st),
            parser: RefCell::new(ResponseParser::new(head_request)),
            head_sent: Cell::new(false),
            chunked: Cell::new(false),
            ended: Cell::new(false),
            finished: Cell::new(false),
            res: RefCell::new(None),
            pending_error: RefCell::new(None),
            destroyed: Cell::new(false),
            aborted: Cell::new(false),
            timeout: Cell::new(None),
            link: link.clone(),
        });
        *link.0.borrow_mut() = Some(inner.clone());
        inner.sock.set_consumer(link);
        ClientRequest(inner)
    }

    fn rc(&self) -> Rc<ClientInner> {
        self.0.clone()
    }

    /// The head, with the framing `framing` if the script set none. As in Node, the
    /// methods without a body by default (GET, DELETE…) never get a framing header:
    /// a body written to them goes out raw.
    fn send_head(&self, framing: Framing, body: &[u8]) {
        let i = &self.0;
        let framing = if bodyless(&i.method) { Framing::None } else { framing };
        i.head_sent.set(true);
        i.chunked.set(framing == Framing::Chunked && !self.has_header("content-length"));
        let mut out = request_head(&i.method, &i.path, &i.headers.borrow(), framing).into_bytes();
        out.extend_from_slice(body);
        i.sock.write(out, None);
    }

    pub fn has_header(&self, name: &str) -> bool {
        self.0.headers.borrow().iter().any(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    /// `req.write(data)`: the first write sends the head (chunked unless the script
    /// set a Content-Length).
    pub fn write(&self, data: Vec<u8>) -> bool {
        let i = &self.0;
        if !i.head_sent.get() {
            self.send_head(Framing::Chunked, &[]);
        }
        if data.is_empty() {
            return true;
        }
        let bytes = if i.chunked.get() {
            let mut b = format!("{:x}\r\n", data.len()).into_bytes();
            b.extend_from_slice(&data);
            b.extend_from_slice(b"\r\n");
            b
        } else {
            data
        };
        i.sock.write(bytes, None)
    }

    /// `req.end(data?)`: `finish` once the last byte is written.
    pub fn end(&self, data: Vec<u8>) {
        let i = &self.0;
        if i.ended.replace(true) {
            return;
        }
        let mut last = Vec::new();
        if !i.head_sent.get() {
            self.send_head(Framing::Length(data.len()), &data);
        } else if i.chunked.get() {
            if !data.is_empty() {
                last = format!("{:x}\r\n", data.len()).into_bytes();
                last.extend_from_slice(&data);
                last.extend_from_slice(b"\r\n");
            }
            last.extend_from_slice(b"0\r\n\r\n");
        } else {
            last = data;
        }
        let me = self.rc();
        let done = Done::Native(Rc::new(move |engine: &Engine, err| {
            if err.is_none() && !me.finished.replace(true) {
                me.emitter.emit(engine, "finish", &[])?;
            }
            Ok(Dynamic::UNIT)
        }));
        i.sock.write(last, Some(done));
    }

    /// `req.destroy(err?)`: the error (or `socket hang up` if no response came) is
    /// emitted, then `close`.
    pub fn destroy(&self, err: Option<Map>) {
        let i = &self.0;
        if i.destroyed.replace(true) {
            return;
        }
        if i.pending_error.borrow().is_none() {
            let e = err.or_else(|| i.res.borrow().is_none().then(hang_up));
            *i.pending_error.borrow_mut() = e;
        }
        i.sock.destroy(None);
    }

    /// `req.abort()`: `abort`, then as `destroy()` (Node 20 still reports `socket hang
    /// up` when no response came).
    pub fn abort(&self) {
        let i = &self.0;
        if i.aborted.replace(true) || i.destroyed.get() {
            return;
        }
        let me = self.rc();
        i.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| {
            me.emitter.emit(engine, "abort", &[]).map(|_| Dynamic::UNIT)
        })));
        self.destroy(None);
    }

    /// `req.setTimeout(ms)`: `timeout` after `ms` without socket activity.
    pub fn set_timeout(&self, ms: u64) {
        self.0.clear_timer();
        if ms > 0 {
            self.0.arm_timer(ms);
        }
    }

    /// The socket closed: the pending error, the response's `close` (or abort), then
    /// ours.
    pub fn on_socket_close(&self, engine: &Engine) -> Outcome {
        let i = &self.0;
        i.clear_timer();
        i.destroyed.set(true);
        i.link.0.borrow_mut().take();
        let res = i.res.borrow().clone();
        let mut err = i.pending_error.borrow_mut().take();
        if err.is_none() && res.is_none() {
            err = Some(hang_up());
        }
        if let Some(e) = err {
            i.emitter.emit(engine, "error", &[e.into()])?;
        }
        if let Some(r) = res {
            if r.complete_body() { r.close() } else { r.abort() }
        }
        // On a tick, after the response's own `close` (queued just above), as in Node.
        let me = self.clone();
        i.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| {
            me.0.emitter.emit(engine, "close", &[]).map(|_| Dynamic::UNIT)
        })));
        Ok(())
    }
}

impl ClientInner {
    fn arm_timer(self: &Rc<Self>, ms: u64) {
        let me = Rc::downgrade(self);
        let id = super::unref_timeout(&self.st, ms, move |engine: &Engine| {
            if let Some(c) = me.upgrade() {
                c.timeout.set(None);
                if !c.destroyed.get() {
                    c.emitter.emit(engine, "timeout", &[])?;
                }
            }
            Ok(Dynamic::UNIT)
        });
        self.timeout.set(Some((ms, id)));
    }

    fn clear_timer(&self) {
        if let Some((_, id)) = self.timeout.take() {
            self.st.timer_clear(id);
        }
    }

    /// Socket activity: the idle timeout starts again.
    fn touch(self: &Rc<Self>) {
        if let Some((ms, _)) = self.timeout.get() {
            self.clear_timer();
            self.arm_timer(ms);
        }
    }

    fn pump(self: &Rc<Self>, engine: &Engine) -> Outcome {
        loop {
            let ev = self.parser.borrow_mut().next();
            match ev {
                None => return Ok(()),
                Some(Ok(Event::Head(head))) => {
                    let res = Request::response(&self.st, head, self.sock.clone());
                    *self.res.borrow_mut() = Some(res.clone());
                    if !self.emitter.has("response") {
                        res.dump();
                    }
                    self.emitter.emit(engine, "response", &[Dynamic::from(res)])?;
                }
                Some(Ok(Event::Body(b))) => {
                    let res = self.res.borrow().clone();
                    if let Some(r) = res {
                        r.push(engine, b)?;
                    }
                }
                Some(Ok(Event::End)) => {
                    if let Some(r) = self.res.borrow().clone() {
                        r.complete();
                    }
                    self.clear_timer();
                    self.sock.destroy_soon();
                    return Ok(());
                }
                Some(Err(e)) => {
                    let mut err = error::coded("Error", e.code, &format!("Parse Error: {}", e.reason));
                    err.insert("bytesParsed".into(), Dynamic::ZERO);
                    *self.pending_error.borrow_mut() = Some(err);
                    ClientRequest(self.clone()).destroy(None);
                    return Ok(());
                }
            }
        }
    }
}

impl Consumer for Link {
    fn data(&self, engine: &Engine, bytes: Vec<u8>) -> Outcome {
        let Some(me) = self.get() else { return Ok(()) };
        me.touch();
        me.parser.borrow_mut().feed(&bytes);
        me.pump(engine)
    }

    fn end(&self, engine: &Engine) -> Outcome {
        let Some(me) = self.get() else { return Ok(()) };
        me.parser.borrow_mut().finish();
        let r = me.pump(engine);
        me.sock.destroy(None);
        r
    }

    fn error(&self, _engine: &Engine, err: &Map) -> Outcome {
        let Some(me) = self.get() else { return Ok(()) };
        let mut pending = me.pending_error.borrow_mut();
        if pending.is_none() {
            *pending = Some(err.clone());
        }
        Ok(())
    }

    fn closed(&self) {
        if let Some(me) = self.get() {
            me.clear_timer();
        }
    }
}
