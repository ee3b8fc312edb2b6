//! The permission flags on procbox's command line, and the JSON form a policy
//! travels in to a child procbox (`PROCBOX_PERMISSIONS`).
//!
//! `--allow-X` without a list grants all of X; with `=a,b` those entries; several
//! flags add up. `--deny-X=a,b` takes entries away (deny wins); `--deny-X` alone
//! takes all of X. `-A`/`--allow-all` grants everything. Any of them switches the
//! rest to deny-by-default. Paths and programs are resolved here, at start-up.

use serde_json::{Value, json};

use super::rule::{Grant, Rule};
use super::{Perm, Policy, resolve};

/// What the flags asked for.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Options {
    pub policy: Option<Policy>,
    /// `--sandbox=best-effort`: what the kernel cannot enforce is a warning.
    pub best_effort: bool,
    /// `--prompt` (`Some(true)`), `--no-prompt` (`Some(false)`).
    pub prompt: Option<bool>,
    /// `--sandbox-report`.
    pub report: bool,
}

/// Whether `arg` is one of ours.
pub fn is_flag(arg: &str) -> bool {
    let word = |rest: &str| {
        let w = rest.split('=').next().unwrap_or("");
        Perm::ALL.iter().any(|p| p.word() == w)
    };
    matches!(arg, "-A" | "--allow-all" | "--prompt" | "--no-prompt" | "--sandbox-report")
        || arg.starts_with("--sandbox=")
        || arg.strip_prefix("--allow-").is_some_and(word)
        || arg.strip_prefix("--deny-").is_some_and(word)
}

fn perm_of(word: &str) -> Option<Perm> {
    Perm::ALL.into_iter().find(|p| p.word() == word)
}

/// One entry as rules hold it; `Err` for a program not found.
fn entry(p: Perm, e: &str, path_var: Option<&str>) -> Result<String, String> {
    match p {
        Perm::Read | Perm::Write => Ok(resolve::path(e)),
        Perm::Run => resolve::program(e, path_var).ok_or_else(|| format!("--allow-run={e}: no such program on PATH")),
        Perm::Net => Ok(e.to_ascii_lowercase()),
        Perm::Env => Ok(e.to_string()),
    }
}

/// Parses the flags (each one [`is_flag`]); the policy is intersected with the one
/// inherited from a parent procbox (`inherited`, the JSON form), if any.
pub fn parse(args: &[String], inherited: Option<&str>, path_var: Option<&str>) -> Result<Options, String> {
    let mut o = Options::default();
    let mut policy: Option<Policy> = None;
    for a in args {
        let (name, list) = match a.split_once('=') {
            Some((n, l)) => (n, Some(l)),
            None => (a.as_str(), None),
        };
        match name {
            "-A" | "--allow-all" => {
                let p = policy.get_or_insert_with(Policy::closed);
                for perm in Perm::ALL {
                    p.rule_mut(perm).allow = Grant::All;
                }
                p.all = true;
                continue;
            }
            "--prompt" => o.prompt = Some(true),
            "--no-prompt" => o.prompt = Some(false),
            "--sandbox-report" => o.report = true,
            "--sandbox" => match list {
                Some("best-effort") => o.best_effort = true,
                Some("strict") => o.best_effort = false,
                _ => return Err(format!("{a}: expected --sandbox=best-effort or --sandbox=strict")),
            },
            _ => {}
        }
        let (deny, word) = match (name.strip_prefix("--allow-"), name.strip_prefix("--deny-")) {
            (Some(w), _) => (false, w),
            (_, Some(w)) => (true, w),
            _ => continue,
        };
        let Some(perm) = perm_of(word) else { return Err(format!("unknown permission flag {a}")) };
        let p = policy.get_or_insert_with(Policy::closed);
        let entries = match list {
            None => None,
            Some(l) => Some(
                l.split(',')
                    .filter(|s| !s.is_empty())
                    .map(|e| entry(perm, e, path_var))
                    .collect::<Result<Vec<_>, _>>()?,
            ),
        };
        let rule = p.rule_mut(perm);
        match (deny, entries) {
            (false, None) => rule.allow = Grant::All,
            (false, Some(list)) => {
                if let Grant::Some(have) = &mut rule.allow {
                    have.extend(list);
                }
            }
            (true, None) => rule.deny_all = true,
            (true, Some(list)) => rule.deny.extend(list),
        }
    }
    if let Some(text) = inherited {
        let parent = from_json(text).ok_or_else(|| format!("{}: not a policy", super::ENV_VAR))?;
        policy = Some(match policy {
            Some(mine) => parent.intersect(&mine),
            None => parent,
        });
    }
    o.policy = policy;
    Ok(o)
}

fn rule_json(r: &Rule) -> Value {
    let allow = match &r.allow {
        Grant::All => Value::Null,
        Grant::Some(l) => json!(l),
    };
    json!({"allow": allow, "deny": r.deny, "denyAll": r.deny_all})
}

/// The policy as a child receives it.
pub fn to_json(p: &Policy) -> String {
    let mut m = serde_json::Map::new();
    for perm in Perm::ALL {
        m.insert(perm.word().into(), rule_json(p.rule(perm)));
    }
    m.insert("all".into(), Value::Bool(p.all));
    Value::Object(m).to_string()
}

fn strings(v: &Value) -> Option<Vec<String>> {
    v.as_array()?.iter().map(|s| s.as_str().map(String::from)).collect()
}

pub fn from_json(text: &str) -> Option<Policy> {
    let v: Value = serde_json::from_str(text).ok()?;
    let mut p = Policy::closed();
    for perm in Perm::ALL {
        let r = v.get(perm.word())?;
        let kind = p.rule(perm).kind;
        let allow = match r.get("allow")? {
            Value::Null => Grant::All,
            l => Grant::Some(strings(l)?),
        };
        let deny = strings(r.get("deny")?)?;
        let deny_all = r.get("denyAll")?.as_bool()?;
        *p.rule_mut(perm) = Rule { kind, allow, deny, deny_all };
    }
    p.all = v.get("all")?.as_bool()?;
    Some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn flags_build_a_policy() {
        let o =
            parse(&args(&["--allow-read=/etc,/usr", "--deny-read=/etc/shadow", "--allow-net"]), None, None).unwrap();
        let p = o.policy.unwrap();
        assert!(p.check(Perm::Read, "/etc/hosts").is_ok());
        assert!(p.check(Perm::Read, "/etc/shadow").unwrap_err().message.contains("--deny-read=/etc/shadow"));
        assert!(p.check(Perm::Write, "/tmp/x").is_err());
        assert!(p.check(Perm::Net, "example.com:443").is_ok());
        assert!(!p.all);
        assert_eq!(parse(&[], None, None).unwrap().policy, None);
        assert!(parse(&args(&["--allow-run=no-such-program-xyz"]), None, Some("/bin")).is_err());
        assert!(parse(&args(&["-A"]), None, None).unwrap().policy.unwrap().all);
    }

    #[test]
    fn json_round_trip_and_inheritance() {
        let p =
            parse(&args(&["--allow-read=/a", "--deny-write", "--allow-env=HOME"]), None, None).unwrap().policy.unwrap();
        assert_eq!(from_json(&to_json(&p)), Some(p.clone()));
        // A child given its own flags gets the intersection with the inherited policy.
        let o = parse(&args(&["--allow-read", "--allow-env=HOME,USER"]), Some(&to_json(&p)), None).unwrap();
        let c = o.policy.unwrap();
        assert!(c.check(Perm::Read, "/b").is_err());
        assert!(c.check(Perm::Env, "USER").is_err());
        assert!(c.check(Perm::Env, "HOME").is_ok());
    }
}
