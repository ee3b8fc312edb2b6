//! Process-wide containment and the process tree: `process.contain()` (what
//! `--contain` calls), the `orphan` event, `process.children()`,
//! `require("child_process").tree()`, `child.tree()` and `child.limitHit`.
//!
//! ```rhai
//! process.contain();                       // killTree + lifeline by default, subreaper
//! process.on("orphan", |o| print(`${o.pid} ${o.command} ${o.code} ${o.signal}`));
//! for p in process.children() { print(`${p.pid} ${p.state} ${p.command}`) }
//! let c = spawn("sh", ["-c", "sleep 1 & sleep 1"]);
//! print(c.tree().len());                   // the sh and its sleep
//! ```
//!
//! Under containment procbox is a child subreaper: a descendant whose parent died
//! is re-parented to us, reaped as soon as it ends (its SIGCHLD runs the reaper)
//! and reported. At exit (natural, `process.exit()`, an uncaught error, or
//! SIGTERM/SIGINT/SIGHUP with no listener) what is left gets SIGTERM, then SIGKILL
//! after the grace period (`process.contain(#{grace: ms})`, default 5000).

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use rhai::{Array, Dynamic, Engine, EvalAltResult, Map};

use super::child_process::contain::{DEFAULT_FORCE_KILL_MS, contained, set_contained};
use super::child_process::{ChildProcess, ChildProcessModule};
use super::process::Process;
use crate::child::orphans::{self, Orphan};
use crate::child::tree::{self, Proc};
use crate::runtime::{Runtime, State};
use crate::signals;
use crate::sys::errno::SysResult;

type Res<T> = Result<T, Box<EvalAltResult>>;

/// The SIGTERM → SIGKILL delay at exit (ms), a slot on the runtime state.
struct Grace(Cell<u64>);

fn grace(st: &State) -> Rc<Grace> {
    st.slots.get_or_init(|| Grace(Cell::new(DEFAULT_FORCE_KILL_MS)))
}

/// A process of the tree as the script sees it.
pub fn proc_map(p: &Proc) -> Map {
    let mut m = Map::new();
    m.insert("pid".into(), (p.pid as i64).into());
    m.insert("ppid".into(), (p.ppid as i64).into());
    m.insert("pgid".into(), (p.pgid as i64).into());
    m.insert("sid".into(), (p.sid as i64).into());
    m.insert("command".into(), p.command.clone().into());
    m.insert("state".into(), p.state.to_string().into());
    m.insert("zombie".into(), (p.state == 'Z').into());
    m.insert("rss".into(), (p.rss as i64).into());
    m.insert("cpu".into(), (p.cpu_ms as i64).into());
    m.insert("startedAt".into(), (p.started_ms as i64).into());
    m.insert("depth".into(), (p.depth as i64).into());
    m
}

fn tree_array(root: i32) -> Array {
    tree::descendants(root).iter().map(|p| Dynamic::from_map(proc_map(p))).collect()
}

/// `child.tree()`: the child itself (depth 0) and its descendants.
fn child_tree(c: &ChildProcess) -> Array {
    let Some(pid) = c.0.pid.filter(|_| c.0.exit_code.get().is_none() && c.0.signal_code.get().is_none()) else {
        return Array::new();
    };
    let me = std::process::id() as i32;
    let all = tree::descendants(me);
    let Some(i) = all.iter().position(|p| p.pid == pid) else { return Array::new() };
    let depth = all[i].depth;
    let mut out = vec![Dynamic::from_map({
        let mut m = proc_map(&all[i]);
        m.insert("depth".into(), 0.into());
        m
    })];
    for p in all[i + 1..].iter().take_while(|p| p.depth > depth) {
        let mut m = proc_map(p);
        m.insert("depth".into(), ((p.depth - depth) as i64).into());
        out.push(Dynamic::from_map(m));
    }
    out
}

fn orphan_map(o: &Orphan) -> Map {
    let mut m = Map::new();
    m.insert("pid".into(), (o.pid as i64).into());
    m.insert("command".into(), o.command.clone().into());
    m.insert("code".into(), o.status.code().map(|c| Dynamic::from(c as i64)).unwrap_or(Dynamic::UNIT));
    m.insert("signal".into(), super::child_process::signal_name(o.status.signal()));
    m
}

/// The SIGCHLD hook's second half under containment: adopted orphans are reaped
/// and reported (`process.on("orphan")`); `ours` claims our own children.
pub fn reap_orphans(rt: &Runtime, ours: impl Fn(i32) -> bool) {
    if !contained(&rt.st) {
        return;
    }
    for o in orphans::reap_adopted(ours) {
        rt.emit_macrotask(&rt.st.process, "orphan", &[Dynamic::from_map(orphan_map(&o))]);
    }
}

/// Ends what is left of our tree (the exit path of a contained procbox).
fn terminate(children: &super::child_process::Children, grace: &Grace) {
    let groups = children.live_groups();
    orphans::terminate_all(&groups, Duration::from_millis(grace.0.get()));
}

/// `process.contain()` (and `--contain`): idempotent; `grace` (ms) is the SIGTERM →
/// SIGKILL delay at exit. Fails only when the kernel refuses the subreaper flag.
pub fn enable(st: &Rc<State>, grace: Option<u64>) -> SysResult<()> {
    let delay = self::grace(st);
    if let Some(ms) = grace {
        delay.0.set(ms);
    }
    if contained(st) {
        return Ok(());
    }
    orphans::become_subreaper()?;
    set_contained(st);
    let children = super::child_process::children(st);
    children.hold_sigchld();
    st.at_exit.borrow_mut().push(Rc::new(move || terminate(&children, &delay)));
    // The REPL handles SIGINT itself (its Ctrl-C stops the running code).
    let repl = st.on_uncaught.borrow().is_some();
    for signo in [libc::SIGTERM, libc::SIGHUP, libc::SIGINT] {
        if signo == libc::SIGINT && repl {
            continue;
        }
        let name = signals::name(signo).unwrap_or("SIGTERM");
        st.hook_signal(
            signo,
            Some(Rc::new(move |rt: &Runtime| {
                // A listener decides what happens; without one the signal is fatal,
                // as in Node, but the tree is ended first.
                if rt.st.process.has(name) {
                    return;
                }
                rt.st.flush();
                terminate(&super::child_process::children(&rt.st), &self::grace(&rt.st));
                crate::sys::signal::reraise_default(signo);
            })),
        );
    }
    Ok(())
}

/// [`enable`] for a script: a refused flag is thrown as `prctl EINVAL`.
fn enable_here(st: &Rc<State>, grace: Option<u64>) -> Res<()> {
    enable(st, grace).map_err(|e| crate::value::error::throw(crate::value::error::syscall("prctl", e)))
}

pub fn register(engine: &mut Engine, st: &Rc<State>) {
    let s = st.clone();
    engine.register_fn("contain", move |_: &mut Process| enable_here(&s, None));
    let s = st.clone();
    engine.register_fn("contain", move |_: &mut Process, opts: Map| -> Res<()> {
        let grace = match opts.get("grace") {
            Some(v) if !v.is_unit() => Some(
                v.as_int()
                    .map_err(|_| {
                        crate::value::error::throw(crate::value::error::coded(
                            "TypeError",
                            "ERR_INVALID_ARG_TYPE",
                            "The \"options.grace\" property must be of type number",
                        ))
                    })?
                    .max(0) as u64,
            ),
            _ => None,
        };
        enable_here(&s, grace)
    });
    let s = st.clone();
    engine.register_get("contained", move |_: &mut Process| contained(&s));
    engine.register_fn("children", |_: &mut Process| tree_array(std::process::id() as i32));
    engine.register_fn("tree", |_: &mut ChildProcessModule| tree_array(std::process::id() as i32));
    engine.register_fn("tree", |c: &mut ChildProcess| child_tree(c));
    engine.register_get("limitHit", |c: &mut ChildProcess| {
        c.0.guard.limit_hit.get().map(Dynamic::from).unwrap_or(Dynamic::UNIT)
    });
}
