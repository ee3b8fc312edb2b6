//! `pool(script, #{redis: url, queue: name})`: the pool's API (`exec`, `run`,
//! `stats`, `close`, `terminate`, `taskTimeout`, `maxQueue`, `maxRetries`) with the
//! workers on any machine: jobs go on the Redis Stream `procbox:{queue}:jobs`
//! (consumer group `workers`, read by `procbox worker --redis URL --queue NAME`),
//! answers come back on this caller's own stream `procbox:{queue}:replies:{caller}`.
//! The bookkeeping (settle once, retries, duplicates) is `crate::pool::remote`;
//! the formats are in docs/api/redis.md.
//!
//! Job entry fields: `id`, `reply` (the reply stream), `job` (JSON), `attempt`.
//! Reply entry fields: `id`, `kind` (`result` | `error` | `progress`), `body`
//! (JSON: the result, the progress value, or `{name, message, code}`), `worker`.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::{Rc, Weak};

use rhai::{Dynamic, Engine, EvalAltResult, Map};

use super::host::{Ticket, settle_ticket};
use crate::api::redis::{Client, NativeReply};
use crate::event_loop::TimerId;
use crate::pool::remote::{Decision, Ledger, Refused};
use crate::redis::resp::Reply;
use crate::redis::streams::stream_entries;
use crate::redis::url;
use crate::runtime::promise::Promise;
use crate::runtime::{State, Task};
use crate::value::{error, json};

type Res<T> = Result<T, Box<EvalAltResult>>;

pub struct Remote {
    st: Rc<State>,
    me: Weak<Remote>,
    ledger: RefCell<Ledger<Ticket>>,
    cmd: Client,
    /// Blocks on the reply stream (XREAD BLOCK): its own connection.
    rd: Client,
    queue: String,
    jobs_key: String,
    reply_key: String,
    task_timeout: Option<u64>,
    max_queue: Option<usize>,
    reading: Cell<bool>,
    last: RefCell<String>,
    timers: RefCell<HashMap<String, TimerId>>,
    closers: RefCell<Vec<Promise>>,
    /// Redis-side `(stream length, group pending)`, refreshed by each `stats()`.
    redis_side: Cell<(i64, i64)>,
}

/// The script's handle on a pool across machines.
#[derive(Clone)]
pub struct RemotePool(pub Rc<Remote>);

fn args(parts: &[&str]) -> Vec<Vec<u8>> {
    parts.iter().map(|p| p.as_bytes().to_vec()).collect()
}

fn bad(msg: &str) -> Box<EvalAltResult> {
    error::throw(error::coded("TypeError", "ERR_INVALID_ARG_VALUE", msg))
}

const KNOWN: &[&str] = &["redis", "queue", "taskTimeout", "maxQueue", "maxRetries"];

/// The group every worker reads with.
pub const GROUP: &str = "workers";

pub fn create(st: &Rc<State>, opts: &Map) -> Res<RemotePool> {
    if let Some(k) = opts.keys().find(|k| !KNOWN.contains(&k.as_str())) {
        return Err(bad(&format!("Unknown option '{k}' for a pool on Redis (known: {})", KNOWN.join(", "))));
    }
    let text = |k: &str| opts.get(k).filter(|v| v.is_string()).map(|v| v.to_string());
    let (Some(url_text), Some(queue)) = (text("redis"), text("queue")) else {
        return Err(bad("A pool on Redis needs options.redis (a URL) and options.queue (a name)"));
    };
    let target = url::parse(&url_text).map_err(|e| bad(&e))?;
    let int = |k: &str| opts.get(k).and_then(|v| v.as_int().ok()).map(|n| n.max(0) as u64);
    let started =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
    let caller = format!("{}-{}-{started}", hostname(), std::process::id());
    let cmd = Client::new(st, target.clone(), usize::MAX);
    let rd = Client::new(st, target, usize::MAX);
    let remote = Rc::new_cyclic(|me| Remote {
        st: st.clone(),
        me: me.clone(),
        ledger: RefCell::new(Ledger::new(
            caller.clone(),
            int("maxQueue").map(|n| n as usize),
            int("maxRetries").unwrap_or(0) as u32,
        )),
        cmd,
        rd,
        jobs_key: format!("procbox:{queue}:jobs"),
        reply_key: format!("procbox:{queue}:replies:{caller}"),
        queue,
        task_timeout: int("taskTimeout").filter(|n| *n > 0),
        max_queue: int("maxQueue").map(|n| n as usize),
        reading: Cell::new(false),
        last: RefCell::new("0".into()),
        timers: RefCell::new(HashMap::new()),
        closers: RefCell::new(Vec::new()),
        redis_side: Cell::new((0, 0)),
    });
    // Neither connection keeps the process alive by itself: the reader does while
    // jobs are outstanding (see `sync_ref`).
    remote.cmd.set_ref(false);
    remote.rd.set_ref(false);
    quiet(st, remote.cmd.connect());
    quiet(st, remote.rd.connect());
    // From the stream's start, so jobs added before any worker came are not missed.
    let create = ["XGROUP", "CREATE", &remote.jobs_key, GROUP, "0", "MKSTREAM"];
    remote.cmd.command_native(args(&create), None);
    Ok(RemotePool(remote))
}

/// A promise whose rejection nobody needs to see (the client reports on `error`).
fn quiet(st: &State, p: Promise) {
    use crate::runtime::promise::Handler;
    let noop: crate::runtime::promise::NativeFn = Rc::new(|_, _, _| Ok(Dynamic::UNIT));
    p.then_into(&st.micro, Handler::Pass, Handler::Native(noop), None);
}

/// This machine's name (a worker's consumer name and a caller's id start with it).
pub fn hostname() -> String {
    crate::sys::host::hostname()
}

/// A worker's `{name, message, code}` as an Error value.
fn error_from(body: &str) -> Dynamic {
    let v: serde_json::Value = serde_json::from_str(body).unwrap_or(serde_json::Value::Null);
    let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(String::from);
    let mut m =
        error::error(&s("name").unwrap_or_else(|| "Error".into()), &s("message").unwrap_or_else(|| body.into()), None);
    if let Some(c) = s("code") {
        m.insert("code".into(), c.into());
    }
    m.into()
}

impl Remote {
    pub fn submit(&self, payload: super::wire::Payload, ticket: Ticket) {
        // The ledger keeps it shared (it may send it again to another worker).
        let payload: Rc<str> = Rc::from(&*payload);
        let r = self.ledger.borrow_mut().submit(payload.clone(), ticket);
        let id = match r {
            Ok(id) => id,
            Err((why, ticket)) => {
                let e = match why {
                    Refused::Closed => error::coded("Error", "ERR_POOL_CLOSED", "the pool is closed"),
                    Refused::QueueFull => {
                        let msg = format!("the pool's queue is full (maxQueue: {})", self.max_queue.unwrap_or(0));
                        error::coded("Error", "ERR_POOL_QUEUE_FULL", &msg)
                    }
                };
                return settle_ticket(&self.st, ticket, Err(e.into()));
            }
        };
        self.send(&id, &payload, 1);
        if let Some(ms) = self.task_timeout {
            self.arm_timeout(id, ms);
        }
        self.sync_ref();
        self.read();
    }

    fn send(&self, id: &str, payload: &str, attempt: u32) {
        let a = attempt.to_string();
        let fields = ["XADD", &self.jobs_key, "*", "id", id, "reply", &self.reply_key, "job", payload, "attempt", &a];
        self.cmd.command_native(args(&fields), None);
    }

    fn arm_timeout(&self, id: String, ms: u64) {
        let me = self.me.clone();
        let key = id.clone();
        let task = Task::Native(Rc::new(move |_: &Engine| {
            if let Some(me) = me.upgrade() {
                me.timers.borrow_mut().remove(&key);
                let t = me.ledger.borrow_mut().expire(&key);
                if let Some(t) = t {
                    let msg = format!("job timed out after {ms} ms (its worker may still finish it)");
                    settle_ticket(&me.st, t, Err(error::coded("Error", "ERR_POOL_TASK_TIMEOUT", &msg).into()));
                    me.after_settle();
                }
            }
            Ok(Dynamic::UNIT)
        }));
        let t = self.st.timer_start_unref(ms, task);
        self.timers.borrow_mut().insert(id, t);
    }

    /// The reader keeps the process alive exactly while jobs are outstanding.
    fn sync_ref(&self) {
        self.rd.set_ref(self.ledger.borrow().outstanding() > 0);
    }

    /// One XREAD BLOCK on the reply stream at a time, while jobs are outstanding.
    fn read(&self) {
        if self.reading.get() || self.ledger.borrow().outstanding() == 0 {
            return;
        }
        self.reading.set(true);
        let last = self.last.borrow().clone();
        let cmd = ["XREAD", "COUNT", "1000", "BLOCK", "0", "STREAMS", &self.reply_key, &last];
        let me = self.me.clone();
        let f: NativeReply = Rc::new(move |engine: &Engine, r: Reply| {
            let Some(me) = me.upgrade() else { return Ok(()) };
            me.reading.set(false);
            if let Reply::Error(_) = r {
                // Lost connection or closed: the client reconnects and queues; try
                // again a little later (not at once, so a lasting error cannot spin).
                if !me.ledger.borrow().is_closed() || me.ledger.borrow().outstanding() > 0 {
                    me.retry_read_later();
                }
                return Ok(());
            }
            me.on_replies(engine, &r);
            me.read();
            Ok(())
        });
        self.rd.command_native(args(&cmd), Some(f));
    }

    fn retry_read_later(&self) {
        let me = self.me.clone();
        let task = Task::Native(Rc::new(move |_: &Engine| {
            if let Some(me) = me.upgrade() {
                me.read();
            }
            Ok(Dynamic::UNIT)
        }));
        self.st.timer_start_unref(100, task);
    }

    fn on_replies(&self, _engine: &Engine, r: &Reply) {
        let entries = stream_entries(r);
        let Some((last, _)) = entries.last() else { return };
        *self.last.borrow_mut() = last.clone();
        // What was read is done with: keep the reply stream short.
        let trim = ["XTRIM", &self.reply_key, "MINID", last];
        self.cmd.command_native(args(&trim), None);
        for (_, f) in &entries {
            let get = |k: &str| f.get(k).map(String::as_str).unwrap_or("");
            self.on_answer(get("id"), get("kind"), get("body"), get("worker"));
        }
        // The entry at `last` itself survives MINID; it is never read again.
        self.after_settle();
    }

    fn on_answer(&self, id: &str, kind: &str, body: &str, worker: &str) {
        let d = self.ledger.borrow_mut().answer(id, kind, worker);
        match d {
            Decision::Settle { ticket, ok } => {
                if let Some(t) = self.timers.borrow_mut().remove(id) {
                    self.st.timer_clear(t);
                }
                let outcome = if ok {
                    json::parse(body).map_err(|e| error::error("SyntaxError", &e, None).into())
                } else {
                    Err(error_from(body))
                };
                settle_ticket(&self.st, ticket, outcome);
            }
            Decision::Retry { body, attempt } => self.send(id, &body, attempt),
            Decision::Progress => {
                let cb = self.ledger.borrow().ticket(id).and_then(|t| t.progress.clone());
                if let (Some(cb), Ok(v)) = (cb, json::parse(body)) {
                    self.st.next_tick(Task::Call(cb, vec![v]));
                }
            }
            Decision::Dropped => {}
        }
    }

    /// After jobs settled: the reader's ref, and a `close()` whose jobs are all done.
    fn after_settle(&self) {
        self.sync_ref();
        let l = self.ledger.borrow();
        if l.is_closed() && l.outstanding() == 0 {
            drop(l);
            self.shut_down();
        }
    }

    fn shut_down(&self) {
        let closers: Vec<Promise> = self.closers.borrow_mut().drain(..).collect();
        if closers.is_empty() {
            return;
        }
        self.cmd.command_native(args(&["DEL", &self.reply_key]), None);
        quiet(&self.st, self.cmd.quit());
        quiet(&self.st, self.rd.disconnect());
        for p in closers {
            p.resolve(&self.st.micro, Dynamic::UNIT);
        }
    }

    pub fn close(&self, p: Promise) {
        self.closers.borrow_mut().push(p);
        self.ledger.borrow_mut().close();
        self.after_settle();
    }

    pub fn terminate(&self, p: Promise) {
        self.closers.borrow_mut().push(p);
        let tickets = self.ledger.borrow_mut().terminate();
        for (_, t) in self.timers.borrow_mut().drain() {
            self.st.timer_clear(t);
        }
        for t in tickets {
            let e = error::coded("Error", "ERR_POOL_TERMINATED", "the pool was terminated");
            settle_ticket(&self.st, t, Err(e.into()));
        }
        self.after_settle();
    }

    /// `stats()`: the caller's counts, per-worker answers, and the Redis side as of
    /// the last refresh (each call starts the next one).
    pub fn stats(&self) -> Map {
        self.refresh_redis_side();
        let l = self.ledger.borrow();
        let s = l.stats();
        let mut m = Map::new();
        m.insert("queue".into(), self.queue.clone().into());
        m.insert("outstanding".into(), (l.outstanding() as i64).into());
        for (k, v) in [
            ("submitted", s.submitted),
            ("completed", s.completed),
            ("failed", s.failed),
            ("retried", s.retried),
            ("refused", s.refused),
            ("duplicates", s.duplicates),
        ] {
            m.insert(k.into(), (v as i64).into());
        }
        let workers: Map = s.per_worker.iter().map(|(k, v)| (k.as_str().into(), Dynamic::from(*v as i64))).collect();
        m.insert("workers".into(), workers.into());
        let (length, pending) = self.redis_side.get();
        let mut redis = Map::new();
        redis.insert("length".into(), length.into());
        redis.insert("pending".into(), pending.into());
        m.insert("redis".into(), redis.into());
        m
    }

    fn refresh_redis_side(&self) {
        let me = self.me.clone();
        let f: NativeReply = Rc::new(move |_: &Engine, r: Reply| {
            if let (Some(me), Reply::Int(n)) = (me.upgrade(), r) {
                me.redis_side.set((n, me.redis_side.get().1));
            }
            Ok(())
        });
        self.cmd.command_native(args(&["XLEN", &self.jobs_key]), Some(f));
        let me = self.me.clone();
        let f: NativeReply = Rc::new(move |_: &Engine, r: Reply| {
            if let (Some(me), Reply::Array(a)) = (me.upgrade(), r)
                && let Some(Reply::Int(n)) = a.first()
            {
                me.redis_side.set((me.redis_side.get().0, *n));
            }
            Ok(())
        });
        self.cmd.command_native(args(&["XPENDING", &self.jobs_key, GROUP]), Some(f));
    }
}
