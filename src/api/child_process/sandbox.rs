//! The `sandbox` option of every child_process function (and fork's
//! `permissions`, the same map), parsed in one place for its two owners:
//! containment (`pid`, `bestEffort`, issue 14) and permissions (`read`, `write`,
//! `net`, `run`, `env`, `tmp`, issue 15).
//!
//! ```rhai
//! spawn("sh", ["-c", "make"], #{sandbox: #{read: ["."], write: ["./out"], net: false, run: ["make", "cc"], tmp: true}});
//! fork("worker.rhai", #{permissions: #{run: ["sh"]}});
//! ```

use rhai::{Array, Map};

use super::options::{Res, received, thrown};

/// The `sandbox` map (and fork's `permissions`, the same keys), one parser for both
/// of its owners: `pid` and `bestEffort` (containment, issue 14) and
/// `read`/`write`/`net`/`run`/`env`/`tmp` (permissions, issue 15: raw lists,
/// turned into a policy by `super::permissions`). Unknown keys are refused.
#[derive(Default)]
pub struct Sandbox {
    pub pid: bool,
    pub best_effort: bool,
    pub tmp: bool,
    /// Per permission: `None` for `true` (all the parent has), else the entries.
    pub grants: Vec<(crate::perm::Perm, Option<Vec<String>>)>,
}

pub fn parse(m: &Map) -> Res<Option<Sandbox>> {
    let Some((key, v)) =
        ["sandbox", "permissions"].iter().find_map(|k| m.get(*k).filter(|v| !v.is_unit()).map(|v| (*k, v)))
    else {
        return Ok(None);
    };
    let Some(map) = v.read_lock::<Map>() else {
        return Err(thrown(
            "TypeError",
            "ERR_INVALID_ARG_TYPE",
            format!("The \"options.{key}\" property must be of type object. Received {}", received(v)),
        ));
    };
    let mut sb = Sandbox::default();
    for (k, v) in map.iter() {
        let bad = |what: &str| {
            let m = format!("The \"options.{key}.{k}\" property must be {what}. Received {}", received(v));
            thrown("TypeError", "ERR_INVALID_ARG_TYPE", m)
        };
        let flag = || v.as_bool().map_err(|_| bad("of type boolean"));
        match k.as_str() {
            "pid" => sb.pid = flag()?,
            "bestEffort" => sb.best_effort = flag()?,
            "tmp" => sb.tmp = flag()?,
            "read" | "write" | "net" | "run" | "env" => {
                let p = crate::perm::Perm::ALL
                    .into_iter()
                    .find(|p| p.word() == k.as_str())
                    .unwrap_or(crate::perm::Perm::Read);
                let list = match (v.as_bool(), v.read_lock::<Array>()) {
                    (Ok(true), _) => None,
                    (Ok(false), _) => Some(Vec::new()),
                    (_, Some(a)) => Some(a.iter().map(crate::api::to_text).collect()),
                    _ => return Err(bad("of type boolean or an instance of Array")),
                };
                sb.grants.push((p, list));
            }
            _ => {
                let msg =
                    format!("Unknown {key} option '{k}' (known: read, write, net, run, env, tmp, pid, bestEffort)");
                return Err(thrown("TypeError", "ERR_INVALID_ARG_VALUE", msg));
            }
        }
    }
    Ok(Some(sb))
}
