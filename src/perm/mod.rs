//! The permission policy, without Rhai: what `--allow-run/read/write/net/env`,
//! `--deny-…` and `-A` grant, checked before the script touches a resource, handed
//! to every child (as `PROCBOX_PERMISSIONS`, only ever narrowed) and turned into a
//! kernel confinement for children ([`kernel`]).
//!
//! - [`rule`]: one permission's allow/deny lists and how a resource matches them.
//! - [`flags`]: the command line and the wire form children receive.
//! - [`resolve`]: turning a path or program name into what rules hold.
//! - [`host`]: what this kernel can enforce, and `--sandbox-report`.
//! - [`kernel`]: a policy as a Landlock ruleset, [`seccomp`]: and a seccomp program.
//! - [`startup`]: installing the flags when procbox starts.
//! - [`prompt`]: the REPL's question on a denial.
//!
//! With no flag there is no policy ([`current`] is `None`) and every check passes:
//! Node's semantics.

pub mod flags;
pub mod host;
pub mod kernel;
pub mod resolve;
pub mod rule;
pub mod seccomp;
pub mod startup;

use std::sync::{Arc, RwLock};

use rule::{Kind, Rule, Verdict};

/// The permissions, as the flags name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Perm {
    Read,
    Write,
    Net,
    Run,
    Env,
}

impl Perm {
    pub const ALL: [Perm; 5] = [Perm::Read, Perm::Write, Perm::Net, Perm::Run, Perm::Env];

    /// The flag's word: `--allow-<word>`.
    pub fn word(self) -> &'static str {
        match self {
            Perm::Read => "read",
            Perm::Write => "write",
            Perm::Net => "net",
            Perm::Run => "run",
            Perm::Env => "env",
        }
    }

    /// Node's name for it in `err.permission` (its permission model's names).
    pub fn node_name(self) -> &'static str {
        match self {
            Perm::Read => "FileSystemRead",
            Perm::Write => "FileSystemWrite",
            Perm::Net => "Net",
            Perm::Run => "ChildProcess",
            Perm::Env => "Environment",
        }
    }
}

/// One rule per permission, plus whether `-A` was given (only then may children
/// get `LD_PRELOAD` and the other loader variables).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    pub read: Rule,
    pub write: Rule,
    pub net: Rule,
    pub run: Rule,
    pub env: Rule,
    pub all: bool,
}

impl Policy {
    /// Everything allowed (`-A`).
    pub fn open() -> Policy {
        Policy {
            read: Rule::all(Kind::Path),
            write: Rule::all(Kind::Path),
            net: Rule::all(Kind::Net),
            run: Rule::all(Kind::Path),
            env: Rule::all(Kind::Name),
            all: true,
        }
    }

    /// Nothing allowed: where the flags start from.
    pub fn closed() -> Policy {
        Policy {
            read: Rule::none(Kind::Path),
            write: Rule::none(Kind::Path),
            net: Rule::none(Kind::Net),
            run: Rule::none(Kind::Path),
            env: Rule::none(Kind::Name),
            all: false,
        }
    }

    pub fn rule(&self, p: Perm) -> &Rule {
        match p {
            Perm::Read => &self.read,
            Perm::Write => &self.write,
            Perm::Net => &self.net,
            Perm::Run => &self.run,
            Perm::Env => &self.env,
        }
    }

    pub fn rule_mut(&mut self, p: Perm) -> &mut Rule {
        match p {
            Perm::Read => &mut self.read,
            Perm::Write => &mut self.write,
            Perm::Net => &mut self.net,
            Perm::Run => &mut self.run,
            Perm::Env => &mut self.env,
        }
    }

    /// Whether `res` (already resolved, see [`resolve`]) may be used.
    pub fn check(&self, p: Perm, res: &str) -> Result<(), Denied> {
        match self.rule(p).check(res) {
            Verdict::Allowed => Ok(()),
            v => Err(Denied::new(p, res, res, v)),
        }
    }

    /// Both policies at once: a process given two (its flags and its parent's)
    /// gets what both allow.
    pub fn intersect(&self, other: &Policy) -> Policy {
        let mut out = self.clone();
        for p in Perm::ALL {
            *out.rule_mut(p) = self.rule(p).intersect(other.rule(p));
        }
        out.all = self.all && other.all;
        out
    }

    /// A child's policy from `requested`, which may only narrow this one.
    pub fn narrow(&self, requested: &Policy) -> Result<Policy, Denied> {
        let mut out = self.clone();
        for p in Perm::ALL {
            *out.rule_mut(p) = self.rule(p).narrow(requested.rule(p)).map_err(|entry| Denied::widen(p, entry))?;
        }
        out.all = self.all && requested.all;
        Ok(out)
    }
}

/// A refused operation: Node's `ERR_ACCESS_DENIED` fields and a message naming the
/// flag that would allow it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Denied {
    pub perm: Perm,
    pub resource: String,
    pub message: String,
}

impl Denied {
    /// `shown` is the resource as the script named it (`curl`), `res` as resolved.
    pub fn new(p: Perm, shown: &str, res: &str, v: Verdict) -> Denied {
        let what = format!("{} access to \"{shown}\"", p.word());
        let message = match v {
            Verdict::Denied(Some(d)) => format!("{what} is denied by --deny-{}={d}", p.word()),
            Verdict::Denied(None) => format!("{what} is denied by --deny-{}", p.word()),
            _ => format!("Requires {what}, run again with --allow-{}={shown}", p.word()),
        };
        Denied { perm: p, resource: res.to_string(), message }
    }

    fn widen(p: Perm, entry: Option<String>) -> Denied {
        let e = entry.unwrap_or_else(|| "all".into());
        let message = format!("cannot give a child {} access to \"{e}\": the parent does not have it", p.word());
        Denied { perm: p, resource: e, message }
    }

    /// A loader variable refused for a child (`LD_PRELOAD`…).
    pub fn loader_var(name: &str) -> Denied {
        let message = format!(
            "{name} changes how programs load and is refused for children under a permission policy; \
             run again with -A (--allow-all)"
        );
        Denied { perm: Perm::Env, resource: name.to_string(), message }
    }
}

/// Variables that change how the dynamic loader or libc load code.
pub const LOADER_VARS: &[&str] = &[
    "LD_PRELOAD",
    "LD_LIBRARY_PATH",
    "LD_AUDIT",
    "LD_DEBUG_OUTPUT",
    "LD_PROFILE",
    "LD_ORIGIN_PATH",
    "LD_BIND_NOW",
    "GCONV_PATH",
    "HOSTALIASES",
    "LOCALDOMAIN",
    "MALLOC_TRACE",
    "NLSPATH",
    "RESOLV_HOST_CONF",
    "TMPDIR_LD",
];

/// The variable carrying a policy to a child procbox.
pub const ENV_VAR: &str = "PROCBOX_PERMISSIONS";

static GLOBAL: RwLock<Option<Arc<Policy>>> = RwLock::new(None);

/// The process's policy; `None` without any permission flag.
pub fn current() -> Option<Arc<Policy>> {
    GLOBAL.read().unwrap_or_else(|e| e.into_inner()).clone()
}

/// Installs the policy (at start-up, and when the REPL's prompt grants more).
pub fn set_current(p: Option<Policy>) {
    *GLOBAL.write().unwrap_or_else(|e| e.into_inner()) = p.map(Arc::new);
}

/// Checks `res` under the current policy; `shown` is how the script named it.
/// Denials go through the prompt when one is installed (the REPL).
pub fn check(p: Perm, shown: &str, res: &str) -> Result<(), Denied> {
    let Some(pol) = current() else { return Ok(()) };
    match pol.rule(p).check(res) {
        Verdict::Allowed => Ok(()),
        v => {
            let d = Denied::new(p, shown, res, v);
            if prompt::ask(&d) { Ok(()) } else { Err(d) }
        }
    }
}

/// [`check`] for a file named `path`, resolved only when a policy is on.
pub fn check_path(p: Perm, path: &str) -> Result<(), Denied> {
    if current().is_none() {
        return Ok(());
    }
    check(p, path, &resolve::path(path))
}

pub mod prompt;

#[cfg(test)]
mod tests {
    use super::*;
    use rule::Grant;

    #[test]
    fn message_names_the_flag() {
        let mut p = Policy::closed();
        p.run.allow = Grant::Some(vec!["/usr/bin/sh".into()]);
        let d = p.check(Perm::Run, "/usr/bin/curl").unwrap_err();
        assert_eq!(d.message, "Requires run access to \"/usr/bin/curl\", run again with --allow-run=/usr/bin/curl");
        assert!(p.check(Perm::Run, "/usr/bin/sh").is_ok());
    }

    #[test]
    fn narrowing_never_widens() {
        let mut parent = Policy::closed();
        parent.run.allow = Grant::Some(vec!["/bin/sh".into(), "/bin/ls".into()]);
        let mut req = Policy::open();
        req.run.allow = Grant::Some(vec!["/bin/sh".into()]);
        let child = parent.narrow(&req).unwrap();
        assert!(child.check(Perm::Run, "/bin/ls").is_err());
        assert!(child.check(Perm::Run, "/bin/sh").is_ok());
        assert!(!child.all);
        req.run.allow = Grant::Some(vec!["/bin/curl".into()]);
        let e = parent.narrow(&req).unwrap_err();
        assert_eq!(e.message, "cannot give a child run access to \"/bin/curl\": the parent does not have it");
        // Asking for "all" gets what the parent has.
        assert_eq!(parent.narrow(&Policy::open()).unwrap(), parent);
    }
}
