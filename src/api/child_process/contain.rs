//! The containment options of every child_process entry point, and the parent's
//! side of a contained child: signals through a pidfd (to its group with
//! `killTree`), the SIGKILL escalation after `forceKillAfter`, and which limit a
//! death was caused by (`child.limitHit`).
//!
//! ```rhai
//! let c = spawn("sh", ["-c", "sleep 100 & sleep 100"], #{killTree: true, forceKillAfter: 2000,
//!               lifeline: true, limits: #{cpu: 10, memory: 1 << 30, files: 256}});
//! c.kill();                       // SIGTERM to the whole group, SIGKILL 2 s later if needed
//! spawn("sh", #{sandbox: #{pid: true, bestEffort: true}});
//! ```
//!
//! `--contain` (or `process.contain()`) makes `killTree` and `lifeline` the default;
//! an explicit `false` still wins. A procbox started with a lifeline gives its own
//! children one by default too ([`LIFELINE_ENV`]), so a tree of procbox processes goes
//! down with its root.

use std::cell::Cell;
use std::os::fd::OwnedFd;
use std::rc::Rc;

use rhai::{Dynamic, Engine, Map};

use super::options::{Res, thrown};
use super::sandbox::Sandbox;
use crate::child::contain::{Contain, Limit};
use crate::child::orphans::pidfd_signal;
use crate::child::tree;
use crate::event_loop::TimerId;
use crate::runtime::{State, Task};
use crate::sys::errno::{Errno, SysResult};
use crate::sys::process;

/// Set in a lifeline child's environment: that procbox arms its own children's.
pub const LIFELINE_ENV: &str = "PROCBOX_LIFELINE";

/// `forceKillAfter`'s default when `killTree` is on (ms).
pub const DEFAULT_FORCE_KILL_MS: u64 = 5000;

/// The process's containment switches, a slot on the runtime state.
#[derive(Default)]
pub struct Containment {
    /// `--contain` / `process.contain()` is on.
    on: Cell<bool>,
    /// The `procs`-as-root warning was given (once per process).
    warned_procs: Cell<bool>,
    /// We were started with a lifeline (read once from the environment).
    inherited_lifeline: Cell<Option<bool>>,
}

impl Containment {
    fn inherited_lifeline(&self) -> bool {
        let v = self.inherited_lifeline.get().unwrap_or_else(|| std::env::var(LIFELINE_ENV).is_ok_and(|v| v == "1"));
        self.inherited_lifeline.set(Some(v));
        v
    }
}

fn state(st: &State) -> Rc<Containment> {
    st.slots.get_or_init(Containment::default)
}

pub fn set_contained(st: &State) {
    state(st).on.set(true);
}

pub fn contained(st: &State) -> bool {
    state(st).on.get()
}

/// The parsed containment options (the core part goes into the `Command`).
#[derive(Clone, Debug, Default)]
pub struct Opts {
    pub contain: Contain,
    pub force_kill_after: Option<u64>,
    /// Run without the PID namespace (with a warning) where the kernel refuses it.
    pub best_effort: bool,
}

fn bool_opt(m: &Map, key: &str) -> Res<Option<bool>> {
    match m.get(key).filter(|v| !v.is_unit()) {
        None => Ok(None),
        Some(v) => v.as_bool().map(Some).map_err(|_| {
            let m = format!(
                "The \"options.{key}\" property must be of type boolean. Received {}",
                super::options::received(v)
            );
            thrown("TypeError", "ERR_INVALID_ARG_TYPE", m)
        }),
    }
}

fn number(v: &Dynamic, what: &str) -> Res<u64> {
    let n = match (v.as_int(), v.as_float()) {
        (Ok(i), _) if i >= 0 => Some(i as u64),
        (_, Ok(f)) if f >= 0.0 && f.is_finite() => Some(f as u64),
        _ => None,
    };
    n.ok_or_else(|| {
        let m = format!(
            "The value of \"{what}\" is out of range. It must be a number >= 0. Received {}",
            crate::api::to_text(v)
        );
        thrown("RangeError", "ERR_OUT_OF_RANGE", m)
    })
}

/// `limits: #{cpu, memory, files, fileSize, procs, core}`; unknown keys are refused.
fn limits_opt(m: &Map) -> Res<Vec<Limit>> {
    let Some(v) = m.get("limits").filter(|v| !v.is_unit()) else { return Ok(Vec::new()) };
    let Some(map) = v.read_lock::<Map>() else {
        let m =
            format!("The \"options.limits\" property must be of type object. Received {}", super::options::received(v));
        return Err(thrown("TypeError", "ERR_INVALID_ARG_TYPE", m));
    };
    let mut out = Vec::new();
    for (k, v) in map.iter().filter(|(_, v)| !v.is_unit()) {
        let n = number(v, &format!("options.limits.{k}"))?;
        out.push(match k.as_str() {
            "cpu" => Limit::Cpu(n),
            "memory" => Limit::Memory(n),
            "files" => Limit::Files(n),
            "fileSize" => Limit::FileSize(n),
            "procs" => Limit::Procs(n),
            "core" => Limit::Core(n),
            _ => {
                let m = format!("Unknown limit '{k}' (known: cpu, memory, files, fileSize, procs, core)");
                return Err(thrown("TypeError", "ERR_INVALID_ARG_VALUE", m));
            }
        });
    }
    Ok(out)
}

/// `killTree`, `forceKillAfter`, `lifeline`, `limits`, and the sandbox's `pid` and
/// `bestEffort` (from `super::sandbox::parse`, the one parser of the `sandbox` map); a
/// lifeline child's environment gets [`LIFELINE_ENV`].
pub fn parse(st: &State, m: &Map, sb: &Sandbox, env: &mut Vec<(String, String)>) -> Res<Opts> {
    parse_with(Some(&state(st)), m, sb, env)
}

/// [`parse`] with the defaults of `c` (`None`: not contained, no lifeline inherited).
fn parse_with(c: Option<&Containment>, m: &Map, sb: &Sandbox, env: &mut Vec<(String, String)>) -> Res<Opts> {
    let contained = c.is_some_and(|c| c.on.get());
    let kill_tree = bool_opt(m, "killTree")?.unwrap_or(contained);
    let lifeline =
        bool_opt(m, "lifeline")?.unwrap_or_else(|| contained || c.is_some_and(Containment::inherited_lifeline));
    let force = match m.get("forceKillAfter").filter(|v| !v.is_unit()) {
        Some(v) => Some(number(v, "options.forceKillAfter")?).filter(|&n| n > 0),
        None => kill_tree.then_some(DEFAULT_FORCE_KILL_MS),
    };
    let limits = limits_opt(m)?;
    if lifeline {
        env.retain(|(k, _)| k != LIFELINE_ENV);
        env.push((LIFELINE_ENV.into(), "1".into()));
    }
    let contain = Contain { kill_tree, lifeline, limits, pid_ns: sb.pid };
    Ok(Opts { contain, force_kill_after: force, best_effort: sb.best_effort })
}

/// What the pool passes on to its workers' `fork`.
pub const KEYS: &[&str] = &["killTree", "forceKillAfter", "lifeline", "limits", "sandbox"];

/// Validates the containment options of a map (the pool checks its own at creation);
/// the defaults do not change what is refused.
pub fn check(m: &Map) -> Res<()> {
    parse_with(None, m, &Sandbox::default(), &mut Vec::new()).map(drop)
}

/// `procs` as root: the kernel does not enforce RLIMIT_NPROC for root (said once).
pub fn warnings(st: &Rc<State>, o: &Opts, uid: Option<u32>) {
    if o.contain.limits.iter().any(|l| matches!(l, Limit::Procs(_)))
        && uid.unwrap_or_else(crate::sys::task::euid) == 0
        && !state(st).warned_procs.replace(true)
    {
        crate::api::process::warn(
            st,
            "limits.procs is ignored by the kernel for root (RLIMIT_NPROC does not apply to uid 0)",
            "ContainmentWarning",
            None,
        );
    }
}

/// Starts `spec` (issuing its warnings first). Where the kernel refuses the PID
/// namespace: a thrown error naming the cause, or with `bestEffort` a warning and
/// the child without it. Returns the spawn's outcome and the options that applied.
pub fn spawn(st: &Rc<State>, spec: &super::options::Spawn) -> Res<(SysResult<crate::child::spawn::Spawned>, Opts)> {
    warnings(st, &spec.contain, spec.cmd.uid);
    let r = crate::child::spawn(&spec.cmd);
    match r {
        Err(e) if spec.cmd.contain.pid_ns && crate::child::contain::is_namespace_refusal(e) => {
            let cmd = without_pid_ns(st, spec, e)?;
            let mut opts = spec.contain.clone();
            opts.contain.pid_ns = false;
            Ok((crate::child::spawn(&cmd), opts))
        }
        r => Ok((r, spec.contain.clone())),
    }
}

/// The kernel refused the PID namespace (errno `e`): a thrown error naming the cause,
/// or with `bestEffort` a warning and the command to run without the namespace.
pub fn without_pid_ns(st: &Rc<State>, spec: &super::options::Spawn, e: Errno) -> Res<crate::child::command::Command> {
    let why = crate::child::contain::namespace_refusal(e);
    if !spec.contain.best_effort {
        let why = format!("{why}; set sandbox.bestEffort to run without it");
        return Err(thrown("Error", "ERR_SANDBOX_UNAVAILABLE", why));
    }
    crate::api::process::warn(st, &format!("{why}; running without it (bestEffort)"), "ContainmentWarning", None);
    let mut cmd = spec.cmd.clone();
    cmd.contain.pid_ns = false;
    Ok(cmd)
}

/// The parent's side of one child.
pub struct Guard {
    pidfd: Option<OwnedFd>,
    /// Its group, when it leads one (`killTree`).
    group: Option<i32>,
    pid_ns: bool,
    force_kill_after: Option<u64>,
    contain: Contain,
    reaped: Cell<bool>,
    timer: Cell<Option<TimerId>>,
    /// When the escalation is due (loop time, ms).
    deadline: Cell<u64>,
    pub limit_hit: Cell<Option<&'static str>>,
}

impl Guard {
    /// For a child just started (not reaped, so `pid` is ours and pinned).
    pub fn new(pid: Option<i32>, o: &Opts) -> Rc<Guard> {
        // Opened now, while the pid is pinned (not reaped), so it is this child's.
        let pidfd = pid.and_then(crate::child::orphans::pidfd);
        Rc::new(Guard {
            pidfd,
            group: pid.filter(|_| o.contain.kill_tree),
            pid_ns: o.contain.pid_ns,
            force_kill_after: o.force_kill_after,
            contain: o.contain.clone(),
            reaped: Cell::new(false),
            timer: Cell::new(None),
            deadline: Cell::new(0),
            limit_hit: Cell::new(None),
        })
    }

    /// Whether the init of a PID namespace catches `signo` (else the kernel drops it).
    fn init_catches(pid: i32, signo: i32) -> bool {
        let text = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let mask =
            text.lines().find_map(|l| l.strip_prefix("SigCgt:")).and_then(|m| u64::from_str_radix(m.trim(), 16).ok());
        mask.is_some_and(|m| m & (1 << (signo - 1)) != 0)
    }

    /// Sends `signo` to the child (not reaped yet): to its group with `killTree`,
    /// else through its pidfd. A namespace init that does not catch the signal would
    /// never see it: it gets SIGKILL, the one signal the kernel forces on it.
    pub fn signal(&self, pid: i32, mut signo: i32) -> SysResult<()> {
        if self.pid_ns
            && signo != 0
            && signo != libc::SIGKILL
            && signo != libc::SIGSTOP
            && !Self::init_catches(pid, signo)
        {
            signo = libc::SIGKILL;
        }
        if let Some(g) = self.group.filter(|_| signo != 0) {
            // The leader is not reaped, so the group id is ours.
            if process::kill(-g, signo).is_ok() {
                return Ok(());
            }
        }
        match &self.pidfd {
            Some(fd) => pidfd_signal(fd, signo),
            // Our unreaped child: the pid is ours.
            None => process::kill(pid, signo),
        }
    }

    /// After a successful `kill(sig)`: SIGKILL to the group `forceKillAfter` later,
    /// unless everything in it has ended by then.
    pub fn arm_force_kill(self: &Rc<Self>, st: &Rc<State>, signo: i32) {
        let Some(ms) = self.force_kill_after else { return };
        if signo == 0 || signo == libc::SIGKILL || self.timer.get().is_some() {
            return;
        }
        let now = st.update_time();
        self.deadline.set(now + ms);
        self.start_timer(st, ms);
    }

    fn start_timer(self: &Rc<Self>, st: &Rc<State>, ms: u64) {
        let (me, s) = (self.clone(), st.clone());
        let task = Task::Native(Rc::new(move |_: &Engine| {
            me.timer.set(None);
            me.tick(&s);
            Ok(Dynamic::UNIT)
        }));
        self.timer.set(Some(st.timer_start(ms, false, task)));
    }

    /// The escalation timer fired: SIGKILL at the deadline; after the leader's reap
    /// it also polls (every 10 ms) whether the group emptied, so a group that ends
    /// by itself does not hold the process for the whole delay.
    fn tick(self: &Rc<Self>, st: &Rc<State>) {
        let now = st.update_time();
        if self.reaped.get() && !self.group.is_some_and(tree::group_exists) {
            return;
        }
        if now >= self.deadline.get() {
            self.force_kill();
        } else {
            self.start_timer(st, (self.deadline.get() - now).min(10));
        }
    }

    fn force_kill(&self) {
        match self.group {
            // After the leader's reap, only while the group has members: then the
            // number cannot have been reused.
            Some(g) if !self.reaped.get() || tree::group_exists(g) => {
                // Our child's group (see above).
                let _ = process::kill(-g, libc::SIGKILL);
            }
            _ if !self.reaped.get() => {
                if let Some(fd) = &self.pidfd {
                    let _ = pidfd_signal(fd, libc::SIGKILL);
                }
            }
            _ => {}
        }
    }

    /// The child was reaped: which limit killed it, if one did. A pending
    /// escalation goes on only while its group still has members.
    pub fn reaped(self: &Rc<Self>, st: &Rc<State>, signal: Option<i32>, cpu_ms: u64) {
        self.reaped.set(true);
        self.limit_hit.set(self.contain.limit_hit(signal, cpu_ms));
        if let Some(id) = self.timer.take() {
            st.timer_clear(id);
            if self.group.is_some_and(tree::group_exists) {
                self.start_timer(st, 10);
            }
        }
    }

    /// The group id to end at exit, while the leader is unreaped.
    pub fn live_group(&self) -> Option<i32> {
        self.group.filter(|_| !self.reaped.get())
    }
}
