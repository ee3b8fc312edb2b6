//! `spawnSync`, `execSync`, `execFileSync`: block until the child is done.
//!
//! ```rhai
//! let r = spawnSync("sh", ["-c", "echo hi; exit 3"]);     // #{pid, output, stdout, stderr, status, signal}
//! print(r.status);                                        // 3
//! let cp = require("child_process");
//! let text = cp.execSync("echo hello", #{encoding: "utf8"});
//! try { cp.execFileSync("false") } catch (e) { print(e.status) }  // 1
//! ```
//!
//! Results are BLOBs unless an `encoding` is given. `execSync`/`execFileSync` throw
//! Node's error shape (`Command failed: …`, plus `status`, `signal`, `output`,
//! `stdout`, `stderr`, `pid`), and without a `stdio` option pass the child's stderr on
//! to procbox's stderr, as Node does.

use std::rc::Rc;
use std::time::Duration;

use rhai::{Dynamic, Map};

use super::child::{signal_name, spawn_error};
use super::exec::output_value;
use super::options::{Res, Spawn};
use crate::child::sync::{SyncOptions, SyncOutput, run};
use crate::runtime::State;
use crate::value::error;

fn run_spec(st: &Rc<State>, spec: &Spawn) -> Res<SyncOutput> {
    st.flush();
    let opts = SyncOptions {
        input: spec.input.clone(),
        timeout: spec.timeout.map(Duration::from_millis),
        kill_signal: spec.kill_signal,
        max_buffer: spec.max_buffer,
    };
    super::contain::warnings(st, &spec.contain, spec.cmd.uid);
    let r = run(&spec.cmd, &opts);
    // A refused PID namespace: the same clear error (or warning) as the async spawn.
    match r.error {
        Some(e) if r.pid == 0 && spec.cmd.contain.pid_ns && crate::child::contain::is_namespace_refusal(e) => {
            let cmd = super::contain::without_pid_ns(st, spec, e)?;
            Ok(run(&cmd, &opts))
        }
        _ => Ok(r),
    }
}

/// Node's `spawnSync` result map.
fn result_map(spec: &Spawn, r: SyncOutput) -> Map {
    let mut m = Map::new();
    let started = r.pid != 0;
    let output: Vec<Dynamic> = (0..spec.cmd.stdio.len())
        .map(|i| r.output.get(i).cloned().flatten().map(|b| output_value(b, spec.encoding)).unwrap_or(Dynamic::UNIT))
        .collect();
    let pick = |i: usize| output.get(i).cloned().unwrap_or(Dynamic::UNIT);
    m.insert("pid".into(), (r.pid as i64).into());
    m.insert("stdout".into(), pick(1));
    m.insert("stderr".into(), pick(2));
    m.insert("output".into(), if started { Dynamic::from(output.to_vec()) } else { Dynamic::UNIT });
    m.insert(
        "status".into(),
        r.status.and_then(|s| s.code()).map(|c| Dynamic::from(c as i64)).unwrap_or(Dynamic::UNIT),
    );
    m.insert("signal".into(), signal_name(r.status.and_then(|s| s.signal())));
    // The limits a signal alone names (SIGXCPU, SIGXFSZ): a sync wait does not ask for
    // the CPU time that tells a CPU-limit SIGKILL from another one.
    if let Some(limit) = spec.cmd.contain.limit_hit(r.status.and_then(|s| s.signal()), 0) {
        m.insert("limitHit".into(), limit.into());
    }
    if let Some(errno) = r.error {
        m.insert("error".into(), spawn_error("spawnSync", &spec.file, &spec.args, errno).into());
    }
    m
}

pub fn spawn_sync(st: &Rc<State>, spec: &Spawn) -> Res<Map> {
    let r = run_spec(st, spec)?;
    Ok(result_map(spec, r))
}

/// `execSync`/`execFileSync`: stdout, or Node's error thrown. `cmd` names the command
/// in the message (`None`: the spawn arguments joined).
pub fn exec_sync(st: &Rc<State>, spec: &Spawn, cmd: Option<&str>) -> Res<Dynamic> {
    let r = run_spec(st, spec)?;
    let inherit_stderr = !spec.stdio_given;
    let stderr_bytes = r.output.get(2).cloned().flatten().unwrap_or_default();
    if inherit_stderr && !stderr_bytes.is_empty() {
        let _ = st.out.borrow_mut().stderr(&stderr_bytes);
        st.after_output();
    }
    let failed_status = r.status.and_then(|s| s.code()) != Some(0);
    let ret = result_map(spec, r);
    let mut err = match ret.get("error").and_then(|e| e.read_lock::<Map>().map(|m| m.clone())) {
        Some(e) => e,
        None if failed_status => {
            let mut msg = format!("Command failed: {}", cmd.map(String::from).unwrap_or_else(|| spec.args.join(" ")));
            if !stderr_bytes.is_empty() {
                msg.push('\n');
                msg.push_str(&String::from_utf8_lossy(&stderr_bytes));
            }
            error::error("Error", &msg, None)
        }
        None => return Ok(ret.get("stdout").cloned().unwrap_or(Dynamic::UNIT)),
    };
    for (k, v) in ret {
        err.insert(k, v);
    }
    Err(error::throw(err))
}
