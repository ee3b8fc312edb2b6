//! `pool(workerScript, options?)` (also `require("child_process").pool`): a pool of
//! forked workers, done the way the seed's `creatProcessPool` meant (see the README's
//! pool section for what differs). The scheduling lives in `crate::pool`; this file
//! converts arguments and shapes results.
//!
//! ```rhai
//! let p = pool("./pool.worker.rhai", #{max: 2, taskTimeout: 5000});
//! p.exec("A", |err, result| if err == () { print(result) } else { print(err.message) });
//! p.run("B").then(|r| print(r)).catch(|e| print(e.code));
//! p.run(10, #{onProgress: |pct| print(`${pct}%`)});   // with a worker(|job, progress| …)
//! print(p.stats().workers.busy);
//! p.close().then(|| print("all workers gone"));        // or p.terminate()
//! ```
//!
//! Callbacks get `(err)` or `(null, result)` on a later tick; `run` returns a
//! Promise. Refusals (full queue, closed pool) arrive the same way, with `code`
//! `ERR_POOL_QUEUE_FULL` / `ERR_POOL_CLOSED`; bad arguments throw at once. The pool
//! keeps the process alive only while it has jobs (or is closing), so a script that
//! uses it ends by itself. Events: `message` `(msg, pid)` for a worker message that
//! answers no job, `error` `(err, pid)` for a worker channel's error.

mod host;
mod lifeline;
mod options;
mod remote;
mod remote_api;
mod wire;
mod worker;

use std::cell::RefCell;
use std::path::Path;
use std::rc::Rc;

use rhai::{Dynamic, Engine, EvalAltResult, FnPtr, Map, NativeCallContext};

use super::child_process::ChildProcessModule;
use super::events::{self, EventTarget};
use crate::runtime::State;
use crate::runtime::callback::Callback;
use crate::runtime::emitter::Emitter;
use crate::runtime::promise::Promise;
use crate::value::{error, json};
use host::{Host, Reply, Ticket};

type Res<T> = Result<T, Box<EvalAltResult>>;

/// The script's handle on a pool.
#[derive(Clone)]
pub struct ProcessPool(Rc<Host>);

impl EventTarget for ProcessPool {
    fn emitter(&self) -> &Emitter {
        &self.0.emitter
    }
}

fn type_error(m: String) -> Box<EvalAltResult> {
    error::throw(error::coded("TypeError", "ERR_INVALID_ARG_TYPE", &m))
}

#[allow(deprecated)] // FnPtr::from_fn is "volatile", not deprecated
fn create(ctx: &NativeCallContext, st: &Rc<State>, script: &Dynamic, opts: &Dynamic) -> Res<Dynamic> {
    if !script.is_string() {
        let m = format!("The \"workerScript\" argument must be of type string. Received {}", options::received(script));
        return Err(type_error(m));
    }
    // `#{redis: url, queue: name}`: the workers run elsewhere (`procbox worker`).
    if let Some(m) = opts.read_lock::<Map>().filter(|m| m.contains_key("redis")) {
        return remote::create(st, &m).map(Dynamic::from);
    }
    let script = script.to_string();
    // fork() would only fail later, in the child; say it now.
    if !Path::new(&script).is_file() {
        let mut e = error::coded("Error", "ENOENT", &format!("Cannot find worker script '{script}'"));
        e.insert("path".into(), script.into());
        return Err(error::throw(e));
    }
    let opts = options::parse(opts)?;
    let home = Callback::new(ctx, FnPtr::from_fn("pool", |_, _| Ok(Dynamic::UNIT))?);
    Ok(Dynamic::from(ProcessPool(Host::new(st, script, opts, home))))
}

/// The job as JSON text, made once (a retried job is not serialized again).
fn job_text(job: &Dynamic) -> Res<Rc<str>> {
    thread_local! {
        /// Written into, then copied once into the job's `Rc<str>` (a fresh `String`
        /// per job was one allocation, copy and free more).
        static SCRATCH: RefCell<String> = const { RefCell::new(String::new()) };
    }
    SCRATCH.with(|scratch| {
        let mut out = scratch.borrow_mut();
        out.clear();
        if json::stringify_into(&mut out, job, "") {
            let text = Rc::from(out.as_str());
            // A huge job's buffer is not kept for the next ones.
            if out.capacity() > 1 << 16 {
                *out = String::new();
            }
            Ok(text)
        } else {
            Err(type_error("The \"job\" argument must be serializable to JSON. Received a function".into()))
        }
    })
}

fn callback(ctx: &NativeCallContext, v: &Dynamic, what: &str) -> Res<Callback> {
    // Read in place: a copy of the `Dynamic` would box a copy of the function first.
    let f = v.read_lock::<FnPtr>().map(|f| f.clone());
    match f {
        Some(f) => Ok(Callback::new(ctx, f)),
        None => Err(type_error(format!(
            "The \"{what}\" argument must be of type function. Received {}",
            options::received(v)
        ))),
    }
}

/// A job's options: `onProgress`.
fn progress(ctx: &NativeCallContext, opts: &Dynamic) -> Res<Option<Callback>> {
    if opts.is_unit() {
        return Ok(None);
    }
    let Some(m) = opts.read_lock::<Map>().map(|m| m.clone()) else {
        return Err(type_error(format!(
            "The \"options\" argument must be of type object. Received {}",
            options::received(opts)
        )));
    };
    if let Some(k) = m.keys().find(|k| k.as_str() != "onProgress") {
        let msg = format!("Unknown job option '{k}' (known: onProgress)");
        return Err(error::throw(error::coded("TypeError", "ERR_INVALID_ARG_VALUE", &msg)));
    }
    match m.get("onProgress").filter(|v| !v.is_unit()) {
        Some(f) => callback(ctx, f, "options.onProgress").map(Some),
        None => Ok(None),
    }
}

fn exec(ctx: &NativeCallContext, p: &ProcessPool, job: &Dynamic, opts: &Dynamic, cb: &Dynamic) -> Res<()> {
    let payload = job_text(job)?;
    let cb = callback(ctx, cb, "callback")?;
    let progress = progress(ctx, opts)?;
    p.0.submit(payload, Ticket { reply: Reply::Callback(cb), progress });
    Ok(())
}

/// `p.exec` without parentheses: exec bound to `p`, as a function value (JavaScript's
/// `p.exec.bind(p)`), callable from any module, unlike a closure made in one. A
/// missing callback is a no-op, as the seed's `doWork` allows.
#[allow(deprecated)] // FnPtr::from_fn is "volatile", not deprecated
fn bound_exec(p: &ProcessPool) -> Res<FnPtr> {
    let p = p.clone();
    FnPtr::from_fn("exec", move |ctx, args| {
        let mut a: Vec<Dynamic> = args.iter_mut().map(|v| std::mem::take(&mut **v)).collect();
        a.resize(3, Dynamic::UNIT);
        let (job, mut opts, mut cb) = (a[0].clone(), a[1].clone(), a[2].clone());
        if cb.is_unit() && !opts.is_map() {
            // `(job, callback)`
            (opts, cb) = (Dynamic::UNIT, opts);
        }
        if cb.is_unit() {
            cb = FnPtr::from_fn("noop", |_, _| Ok(Dynamic::UNIT))?.into();
        }
        exec(&ctx, &p, &job, &opts, &cb).map(|_| Dynamic::UNIT)
    })
}

fn run(ctx: &NativeCallContext, p: &ProcessPool, job: &Dynamic, opts: &Dynamic) -> Res<Promise> {
    let payload = job_text(job)?;
    let progress = progress(ctx, opts)?;
    let promise = Promise::pending();
    p.0.submit(payload, Ticket { reply: Reply::Promise(promise.clone()), progress });
    Ok(promise)
}

fn stats(p: &ProcessPool) -> Map {
    let s = p.0.core.borrow().stats();
    let mut workers = Map::new();
    for (k, v) in
        [("total", s.workers), ("busy", s.busy), ("idle", s.idle), ("starting", s.starting), ("stopping", s.stopping)]
    {
        workers.insert(k.into(), (v as i64).into());
    }
    workers.insert("max".into(), (p.0.core.borrow().config().max as i64).into());
    let mut m = Map::new();
    m.insert("workers".into(), workers.into());
    m.insert("queued".into(), (s.queued as i64).into());
    m.insert("running".into(), (s.running as i64).into());
    for (k, v) in [
        ("completed", s.completed),
        ("failed", s.failed),
        ("refused", s.refused),
        ("respawned", s.respawned),
        ("retried", s.retried),
    ] {
        m.insert(k.into(), (v as i64).into());
    }
    m.insert("meanRunMs".into(), (s.mean_run() / 1000.0).into());
    m.insert("meanWaitMs".into(), (s.mean_wait() / 1000.0).into());
    m
}

pub fn register(engine: &mut Engine, st: &Rc<State>) {
    worker::register(st);
    remote_api::register(engine);
    engine.register_type_with_name::<ProcessPool>("ProcessPool");
    events::register::<ProcessPool>(engine, st);
    for global in [true, false] {
        let s = st.clone();
        let make = move |ctx: &NativeCallContext, a: &Dynamic, b: &Dynamic| create(ctx, &s, a, b);
        if global {
            let m = make.clone();
            engine.register_fn("pool", move |ctx: NativeCallContext, a: Dynamic| m(&ctx, &a, &Dynamic::UNIT));
            engine.register_fn("pool", move |ctx: NativeCallContext, a: Dynamic, b: Dynamic| make(&ctx, &a, &b));
        } else {
            let m = make.clone();
            engine.register_fn("pool", move |ctx: NativeCallContext, _: &mut ChildProcessModule, a: Dynamic| {
                m(&ctx, &a, &Dynamic::UNIT)
            });
            engine.register_fn(
                "pool",
                move |ctx: NativeCallContext, _: &mut ChildProcessModule, a: Dynamic, b: Dynamic| make(&ctx, &a, &b),
            );
        }
    }
    engine.register_fn("exec", |ctx: NativeCallContext, p: &mut ProcessPool, job: Dynamic, cb: Dynamic| {
        exec(&ctx, p, &job, &Dynamic::UNIT, &cb)
    });
    engine.register_fn("exec", |ctx: NativeCallContext, p: &mut ProcessPool, job: Dynamic, o: Dynamic, cb: Dynamic| {
        exec(&ctx, p, &job, &o, &cb)
    });
    engine.register_fn("run", |ctx: NativeCallContext, p: &mut ProcessPool, job: Dynamic| {
        run(&ctx, p, &job, &Dynamic::UNIT)
    });
    engine.register_fn("run", |ctx: NativeCallContext, p: &mut ProcessPool, job: Dynamic, o: Dynamic| {
        run(&ctx, p, &job, &o)
    });
    engine.register_get("exec", |p: &mut ProcessPool| bound_exec(p));
    engine.register_fn("stats", |p: &mut ProcessPool| stats(p));
    engine.register_fn("close", |p: &mut ProcessPool| {
        let promise = Promise::pending();
        p.0.close(promise.clone());
        promise
    });
    engine.register_fn("terminate", |p: &mut ProcessPool| {
        let promise = Promise::pending();
        p.0.terminate(promise.clone());
        promise
    });
    engine.register_fn("to_string", |p: &mut ProcessPool| {
        let s = p.0.core.borrow().stats();
        format!("ProcessPool {{ workers: {}, busy: {}, queued: {} }}", s.workers, s.busy, s.queued)
    });
    let s = st.clone();
    engine.register_fn("worker", move |ctx: NativeCallContext, f: FnPtr| worker::worker(&ctx, &s, f));
}
