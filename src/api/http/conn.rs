//! One HTTP connection: the socket's bytes go through the request parser, each
//! request becomes a `request` event with `(req, res)`, and the next request (of a
//! pipelined or keep-alive connection) waits until the response before it finished.
//!
//! Idle keep-alive connections close after `server.keepAliveTimeout` (5 s, Node's
//! default) and when the server closes; `Connection: close`, HTTP/1.0 without
//! keep-alive, or a peer that half-closed end the connection after the response.
//! A request whose head is not complete `server.headersTimeout` ms (60 s) after it
//! began, or whose body is not complete after `server.requestTimeout` ms (300 s),
//! is Node's `ERR_HTTP_REQUEST_TIMEOUT` client error: `408 Request Timeout` and the
//! socket destroyed (the slow-loris guard; one unref'd timer per connection).
//! Malformed requests get Node's answer: `clientError` if someone listens, else a
//! bare `400 Bad Request` (or 431) and the socket is destroyed.

mod timeouts;

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use rhai::{Dynamic, Engine, Map};

use super::request::Request;
use super::response::Response;
use crate::api::net::{Consumer, Outcome, Server, Socket};
use crate::event_loop::TimerId;
use crate::net::http::{Event, ParseError, RequestHead, RequestParser, response};
use crate::runtime::{State, Task};
use crate::value::error;

/// Per-server HTTP state, kept in the server's extension slot.
pub struct HttpState {
    pub keep_alive_timeout: Cell<u64>,
    pub headers_timeout: Cell<u64>,
    pub request_timeout: Cell<u64>,
    /// `server.timeout`: a socket idle this long is `timeout` (0: never).
    pub timeout: Cell<u64>,
    conns: RefCell<Vec<Weak<Conn>>>,
}

impl HttpState {
    pub fn new() -> HttpState {
        HttpState {
            keep_alive_timeout: Cell::new(5000),
            headers_timeout: Cell::new(60_000),
            request_timeout: Cell::new(300_000),
            timeout: Cell::new(0),
            conns: RefCell::new(Vec::new()),
        }
    }

    fn live(&self) -> Vec<Rc<Conn>> {
        let mut conns = self.conns.borrow_mut();
        conns.retain(|c| c.strong_count() > 0);
        conns.iter().filter_map(Weak::upgrade).collect()
    }

    /// Node's `closeIdleConnections`: connections with no request in progress.
    pub fn close_idle(&self) {
        for c in self.live() {
            if c.idle() {
                c.sock.destroy(None);
            }
        }
    }

    pub fn close_all(&self) {
        for c in self.live() {
            c.sock.destroy(None);
        }
    }
}

pub struct Conn {
    st: Rc<State>,
    me: Weak<Conn>,
    sock: Socket,
    server: Server,
    http: Rc<HttpState>,
    parser: RefCell<RequestParser>,
    /// The request whose body is still arriving.
    req: RefCell<Option<Request>>,
    /// The response not finished yet (one at a time).
    res: RefCell<Option<Response>>,
    idle_timer: Cell<Option<TimerId>>,
    /// The headers/request timeout of the request being received.
    req_timer: Cell<Option<TimerId>>,
    /// Loop time the request being received began (None: no request on the clock).
    req_start: Cell<Option<u64>>,
    /// `server.timeout`'s inactivity timer.
    sock_timer: Cell<Option<TimerId>>,
    closed: Cell<bool>,
    pumping: Cell<bool>,
}

/// Makes `sock` an HTTP connection of `server`.
pub fn attach(st: &Rc<State>, server: Server, http: Rc<HttpState>, sock: Socket) {
    let conn = Rc::new_cyclic(|me| Conn {
        st: st.clone(),
        me: me.clone(),
        sock: sock.clone(),
        server,
        http: http.clone(),
        parser: RefCell::new(RequestParser::default()),
        req: RefCell::new(None),
        res: RefCell::new(None),
        idle_timer: Cell::new(None),
        req_timer: Cell::new(None),
        req_start: Cell::new(None),
        sock_timer: Cell::new(None),
        closed: Cell::new(false),
        pumping: Cell::new(false),
    });
    // Drop the entries of closed connections: a dead `Weak` still holds its allocation.
    let mut conns = http.conns.borrow_mut();
    conns.retain(|c| c.strong_count() > 0);
    conns.push(Rc::downgrade(&conn));
    drop(conns);
    sock.set_consumer(conn.clone());
    // Node starts the headers clock when the connection opens, not at its first
    // byte; a fresh connection has no keep-alive idle timer (it gets a 408 instead).
    conn.start_request_clock();
    conn.touch();
}

impl Conn {
    fn rc(&self) -> Rc<Conn> {
        self.me.upgrade().expect("a connection outlives its own calls")
    }

    pub fn socket(&self) -> &Socket {
        &self.sock
    }

    pub fn keep_alive_timeout(&self) -> u64 {
        self.http.keep_alive_timeout.get()
    }

    fn idle(&self) -> bool {
        self.res.borrow().is_none() && self.req.borrow().is_none() && self.parser.borrow().buffered() == 0
    }

    /// Parses what arrived and emits what it makes. Script errors do not stop the
    /// parsing (the connection state must stay whole); the first one is returned.
    fn pump(&self, engine: &Engine) -> Outcome {
        if self.pumping.replace(true) {
            return Ok(());
        }
        let mut first: Outcome = Ok(());
        loop {
            if self.closed.get() || (self.parser.borrow().at_boundary() && self.res.borrow().is_some()) {
                break;
            }
            let ev = self.parser.borrow_mut().next();
            let r = match ev {
                None => break,
                Some(Ok(Event::Head(h))) => self.on_head(engine, h),
                Some(Ok(Event::Body(b))) => {
                    let req = self.req.borrow().clone();
                    req.map(|r| r.push(engine, b)).unwrap_or(Ok(()))
                }
                Some(Ok(Event::End)) => {
                    self.stop_request_clock();
                    if let Some(req) = self.req.borrow_mut().take() {
                        req.complete();
                    }
                    Ok(())
                }
                Some(Err(e)) => {
                    let r = self.on_parse_error(engine, e);
                    if first.is_ok() {
                        first = r;
                    }
                    break;
                }
            };
            if first.is_ok() && r.is_err() {
                first = r;
            }
        }
        self.pumping.set(false);
        first
    }

    fn on_head(&self, engine: &Engine, head: RequestHead) -> Outcome {
        self.disarm_idle_timer();
        self.arm_request_timer(false);
        let expect = head.expect_continue;
        // Node's `requireHostHeader`: an HTTP/1.1 request without `Host` is answered
        // 400 by the server itself (its bytes exactly) and never reaches the script.
        if head.minor == 1 && !head.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
            let date = response::http_date(std::time::SystemTime::now());
            let text = format!(
                "HTTP/1.1 400 Bad Request\r\nDate: {date}\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
            );
            self.sock.write(text.into_bytes(), None);
            self.sock.destroy_soon();
            return Ok(());
        }
        let req = Request::new(&self.st, head, self.sock.clone());
        let res = Response::new(&self.st, self.rc(), req.clone());
        *self.req.borrow_mut() = Some(req.clone());
        *self.res.borrow_mut() = Some(res.clone());
        let args = [Dynamic::from(req), Dynamic::from(res)];
        if expect {
            if self.server.emitter().has("checkContinue") {
                return self.server.emitter().emit(engine, "checkContinue", &args).map(drop);
            }
            self.sock.write(b"HTTP/1.1 100 Continue\r\n\r\n".to_vec(), None);
        }
        self.server.emitter().emit(engine, "request", &args).map(drop)
    }

    /// Node's `socketOnError` for a parse error.
    fn on_parse_error(&self, engine: &Engine, e: ParseError) -> Outcome {
        let mut err = error::coded("Error", e.code, &format!("Parse Error: {}", e.reason));
        err.insert("bytesParsed".into(), Dynamic::ZERO);
        self.client_error(engine, err, Some(e.status))
    }

    fn client_error(&self, engine: &Engine, err: Map, status: Option<u16>) -> Outcome {
        if self.server.emitter().has("clientError") {
            let args = [Dynamic::from(err), Dynamic::from(self.sock.clone())];
            return self.server.emitter().emit(engine, "clientError", &args).map(drop);
        }
        // Node answers only while nothing of a response went out yet.
        let head_free = self.res.borrow().as_ref().is_none_or(|r| !r.headers_sent());
        let writable = self.sock.readable_writable().1;
        if let Some(status) = status.filter(|_| head_free && writable) {
            let text = format!("HTTP/1.1 {status} {}\r\nConnection: close\r\n\r\n", response::status_text(status));
            let sock = self.sock.clone();
            let done = crate::api::net::Done::Native(Rc::new(move |_: &Engine, _| {
                sock.destroy(None);
                Ok(Dynamic::UNIT)
            }));
            self.sock.write(text.into_bytes(), Some(done));
            return Ok(());
        }
        self.sock.destroy(None);
        Ok(())
    }

    /// The response for `req` is out: drain an unread body, then close the
    /// connection or wait for the next request.
    pub fn response_finished(&self, req: &Request, last: bool) {
        self.res.borrow_mut().take();
        self.touch();
        req.dump();
        req.close();
        if last || self.sock.ending() {
            return self.sock.destroy_soon();
        }
        self.arm_idle_timer();
        if self.parser.borrow().buffered() > 0 {
            self.start_request_clock();
        }
        // A pipelined request may be waiting in the parser.
        let me = self.rc();
        self.st.next_tick(Task::Native(Rc::new(move |engine: &Engine| me.pump(engine).map(|_| Dynamic::UNIT))));
    }

    fn arm_idle_timer(&self) {
        self.disarm_idle_timer();
        let ms = self.keep_alive_timeout();
        if ms == 0 || self.closed.get() {
            return;
        }
        let me = self.me.clone();
        let id = super::unref_timeout(&self.st, ms, move |_: &Engine| {
            if let Some(c) = me.upgrade() {
                c.idle_timer.set(None);
                if c.idle() {
                    c.sock.destroy(None);
                }
            }
            Ok(Dynamic::UNIT)
        });
        self.idle_timer.set(Some(id));
    }

    fn disarm_idle_timer(&self) {
        if let Some(id) = self.idle_timer.take() {
            self.st.timer_clear(id);
        }
    }
}

impl Consumer for Conn {
    fn data(&self, engine: &Engine, bytes: Vec<u8>) -> Outcome {
        self.disarm_idle_timer();
        self.touch();
        // The first byte after an idle spell begins a request (a keep-alive one).
        if self.req_start.get().is_none() && self.idle() {
            self.start_request_clock();
        }
        self.parser.borrow_mut().feed(&bytes);
        let r = self.pump(engine);
        if self.idle() {
            self.arm_idle_timer();
        }
        r
    }

    /// Node's `socketOnEnd` (httpAllowHalfOpen false): an unfinished request is
    /// aborted and our side ends once what is queued is written.
    fn end(&self, _engine: &Engine) -> Outcome {
        if let Some(req) = self.req.borrow_mut().take() {
            req.abort();
        }
        if self.res.borrow().is_none() {
            self.sock.destroy_soon();
        } else {
            self.sock.end();
        }
        Ok(())
    }

    /// The socket took what a `res.write()` that said false queued: `drain` on the
    /// response, as Node forwards it.
    fn drained(&self, engine: &Engine) -> Outcome {
        let res = self.res.borrow().clone();
        match res {
            Some(r) => r.emit_drain(engine),
            None => Ok(()),
        }
    }

    fn error(&self, engine: &Engine, err: &Map) -> Outcome {
        if self.server.emitter().has("clientError") {
            return self.client_error(engine, err.clone(), None);
        }
        Ok(())
    }

    fn closed(&self) {
        if self.closed.replace(true) {
            return;
        }
        self.disarm_idle_timer();
        self.stop_request_clock();
        if let Some(id) = self.sock_timer.take() {
            self.st.timer_clear(id);
        }
        if let Some(req) = self.req.borrow_mut().take() {
            req.abort();
        }
        if let Some(res) = self.res.borrow_mut().take() {
            res.close();
        }
    }
}
