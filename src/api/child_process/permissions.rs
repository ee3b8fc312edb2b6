//! The permission policy at a child's start: the policy the child runs under
//! (the process's, narrowed by the `sandbox`/`permissions` option, which may never
//! widen it), the checks (`--allow-run` for the program, loader variables such as
//! `LD_PRELOAD`), the kernel confinement to apply, and the policy handed to a child
//! procbox in its environment (`PROCBOX_PERMISSIONS`, which it can only narrow).

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use super::options::Res;
use super::sandbox::Sandbox;
use crate::api::permission::denied;
use crate::perm::rule::Grant;
use crate::perm::{self, Denied, Perm, Policy, kernel, resolve};
use crate::runtime::State;

/// The option's entries as a requested policy (what it does not name: all the
/// parent has).
fn requested(sb: &Sandbox, path_var: Option<&str>) -> Res<Policy> {
    let mut p = Policy::open();
    p.all = false;
    for (perm, list) in &sb.grants {
        let Some(list) = list else { continue };
        let mut out = Vec::with_capacity(list.len());
        for e in list {
            out.push(match perm {
                Perm::Read | Perm::Write => resolve::path(e),
                Perm::Run => resolve::program(e, path_var).ok_or_else(|| {
                    let m = format!("sandbox run entry \"{e}\": no such program on PATH");
                    super::options::thrown("Error", "ENOENT", m)
                })?,
                Perm::Net => e.to_ascii_lowercase(),
                Perm::Env => e.clone(),
            });
        }
        p.rule_mut(*perm).allow = Grant::Some(out);
    }
    Ok(p)
}

/// procbox's own executable: a forked procbox always may start (it runs under the
/// same policy, narrowed, so re-running the runtime cannot widen anything).
fn is_self(program: &str) -> bool {
    static EXE: OnceLock<Option<String>> = OnceLock::new();
    let exe = EXE.get_or_init(|| {
        std::env::current_exe().ok().and_then(|e| std::fs::canonicalize(e).ok()).map(|e| e.display().to_string())
    });
    exe.as_deref() == Some(program)
}

/// (program name, PATH) → the program found.
type Found = HashMap<(String, Option<String>), Option<String>>;

/// The spawn path's caches, a slot on the runtime state.
#[derive(Default)]
struct Caches {
    /// Programs already found, by (name, PATH): a spawn loop resolves once. Only
    /// names and absolute paths (a relative path depends on the directory).
    found: RefCell<Found>,
    /// The last policy handed to a child, in its JSON form.
    json: RefCell<Option<(Policy, String)>>,
}

impl Caches {
    fn find(&self, file: &str, path_var: Option<&str>) -> Option<String> {
        if file.contains('/') && !file.starts_with('/') {
            return resolve::program(file, path_var);
        }
        let key = (file.to_string(), path_var.map(String::from));
        if let Some(hit) = self.found.borrow().get(&key).cloned() {
            return hit;
        }
        let found = resolve::program(file, path_var);
        let mut f = self.found.borrow_mut();
        if f.len() >= 256 {
            f.clear();
        }
        f.insert(key, found.clone());
        found
    }

    fn json(&self, p: &Policy) -> String {
        let mut j = self.json.borrow_mut();
        match &*j {
            Some((q, text)) if q == p => text.clone(),
            _ => {
                let text = perm::flags::to_json(p);
                *j = Some((p.clone(), text.clone()));
                text
            }
        }
    }
}

/// Decides the child's policy; `env` is the child's environment (the policy is
/// added to it). `None`: no policy, the child runs as before.
pub fn apply(
    st: &State,
    file: &str,
    env: &mut Vec<(String, String)>,
    sb: Option<&Sandbox>,
) -> Res<Option<Arc<kernel::Confinement>>> {
    let global = perm::current();
    let wants = sb.is_some_and(|s| !s.grants.is_empty() || s.tmp);
    if global.is_none() && !wants {
        return Ok(None);
    }
    let caches = st.slots.get_or_init(Caches::default);
    let path_var = env.iter().find(|(k, _)| k == "PATH").map(|(_, v)| v.clone());
    let base = global.as_deref().cloned().unwrap_or_else(Policy::open);
    let policy = match sb.filter(|s| !s.grants.is_empty()) {
        Some(s) => base.narrow(&requested(s, path_var.as_deref())?).map_err(denied)?,
        None => base,
    };
    // The program, as execvp will find it with the child's PATH.
    if let Some(prog) = caches.find(file, path_var.as_deref())
        && !is_self(&prog)
    {
        let shown = file.rsplit('/').next().unwrap_or(file);
        let check = if global.is_some() && sb.is_none() {
            perm::check(Perm::Run, shown, &prog)
        } else {
            policy.check(Perm::Run, &prog).map_err(|d| Denied { message: d.message.replace(&prog, shown), ..d })
        };
        check.map_err(denied)?;
    }
    // Only what the script set or changed: a loader variable procbox itself was
    // started with is the user's choice (procbox never writes its real environment).
    if !policy.all
        && let Some((k, _)) = env.iter().find(|(k, v)| {
            perm::LOADER_VARS.contains(&k.as_str()) && std::env::var(k).ok().as_deref() != Some(v.as_str())
        })
    {
        return Err(denied(Denied::loader_var(k)));
    }
    let tmp = sb.is_some_and(|s| s.tmp);
    let best = perm::startup::best_effort() || sb.is_some_and(|s| s.best_effort);
    let c = kernel::cached(&policy, tmp, best).map_err(|e| {
        super::options::thrown("Error", "ERR_SANDBOX_UNAVAILABLE", format!("cannot confine the child: {e}"))
    })?;
    env.retain(|(k, _)| k != perm::ENV_VAR && k != perm::startup::SANDBOX_VAR);
    env.push((perm::ENV_VAR.into(), caches.json(&policy)));
    if best {
        env.push((perm::startup::SANDBOX_VAR.into(), "best-effort".into()));
    }
    Ok(Some(c))
}
