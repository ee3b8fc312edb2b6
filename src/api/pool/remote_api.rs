//! The script methods of a pool across machines ([`super::remote`]): the local
//! pool's `exec`, `run`, `stats`, `close`, `terminate`, with the same arguments.

use rhai::{Dynamic, Engine, EvalAltResult, NativeCallContext};

use super::host::{Reply, Ticket};
use super::remote::RemotePool;
use crate::runtime::promise::Promise;

type Res<T> = Result<T, Box<EvalAltResult>>;

fn exec(ctx: &NativeCallContext, p: &RemotePool, job: &Dynamic, opts: &Dynamic, cb: &Dynamic) -> Res<()> {
    let payload = super::job_text(job)?;
    let cb = super::callback(ctx, cb, "callback")?;
    let progress = super::progress(ctx, opts)?;
    p.0.submit(payload, Ticket { reply: Reply::Callback(cb), progress });
    Ok(())
}

fn run(ctx: &NativeCallContext, p: &RemotePool, job: &Dynamic, opts: &Dynamic) -> Res<Promise> {
    let payload = super::job_text(job)?;
    let progress = super::progress(ctx, opts)?;
    let promise = Promise::pending();
    p.0.submit(payload, Ticket { reply: Reply::Promise(promise.clone()), progress });
    Ok(promise)
}

pub fn register(engine: &mut Engine) {
    engine.register_type_with_name::<RemotePool>("RedisPool");
    engine.register_fn("exec", |ctx: NativeCallContext, p: &mut RemotePool, job: Dynamic, cb: Dynamic| {
        exec(&ctx, p, &job, &Dynamic::UNIT, &cb)
    });
    engine.register_fn("exec", |ctx: NativeCallContext, p: &mut RemotePool, job: Dynamic, o: Dynamic, cb: Dynamic| {
        exec(&ctx, p, &job, &o, &cb)
    });
    engine.register_fn("run", |ctx: NativeCallContext, p: &mut RemotePool, job: Dynamic| {
        run(&ctx, p, &job, &Dynamic::UNIT)
    });
    engine.register_fn("run", |ctx: NativeCallContext, p: &mut RemotePool, job: Dynamic, o: Dynamic| {
        run(&ctx, p, &job, &o)
    });
    engine.register_fn("stats", |p: &mut RemotePool| p.0.stats());
    engine.register_fn("close", |p: &mut RemotePool| {
        let promise = Promise::pending();
        p.0.close(promise.clone());
        promise
    });
    engine.register_fn("terminate", |p: &mut RemotePool| {
        let promise = Promise::pending();
        p.0.terminate(promise.clone());
        promise
    });
}
