//! A policy as the kernel enforces it in a child: a Landlock ruleset (a descriptor,
//! built here in the parent with the `landlock` crate, which knows each ABI's
//! rights and drops what this kernel lacks) and a seccomp program ([`super::seccomp`],
//! assembled by hand: see there why not with `seccompiler`).
//! The child only calls `landlock_restrict_self` and `seccomp` on them
//! (`crate::child::confine`), after `no_new_privs`.
//!
//! What the ruleset grants: the policy's read/write entries; execute (and read) of
//! the allowed programs, the dynamic loader and procbox itself; the TCP ports of
//! the `--allow-net` entries; and, when reads are restricted, what any program needs
//! to start (`/usr`, `/lib*`, `/bin`, `/sbin`, `/proc`, the loader cache, a few
//! files of `/etc` and `/dev`). Landlock rules only add access, so a `--deny-…`
//! entry inside an allowed directory is carved out by granting the directory's
//! other entries instead (a snapshot: entries created later are not covered).
//!
//! A policy the kernel cannot enforce (no Landlock, no TCP rules for port entries,
//! no seccomp) is an error naming what is missing, or with `best_effort` a list of
//! warnings.

use std::cell::RefCell;
use std::os::fd::OwnedFd;
use std::sync::Arc;

use landlock::{
    ABI, Access, AccessFs, AccessNet, BitFlags, CompatLevel, Compatible, NetPort, PathBeneath, PathFd, Ruleset,
    RulesetAttr, RulesetCreatedAttr, Scope,
};

use super::rule::{Grant, Rule};
use super::seccomp::{self, Net};
use super::{Policy, host};

/// The newest Landlock ABI procbox was tested with: rights of later ABIs are not
/// requested (the crate's advice: never ask for rights one has not tried).
const TESTED_ABI: i32 = 7;

/// What a child needs to start any program, readable when reads are restricted.
const SYSTEM_READ: &[&str] = &[
    "/usr",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/bin",
    "/sbin",
    "/proc",
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/localtime",
    "/etc/nsswitch.conf",
    "/etc/passwd",
    "/etc/group",
    "/etc/hosts",
    "/etc/resolv.conf",
    "/etc/ssl",
    "/dev/null",
    "/dev/zero",
    "/dev/full",
    "/dev/random",
    "/dev/urandom",
    "/dev/tty",
];

/// Writable whenever writes are restricted (`cmd > /dev/null` must work).
const SYSTEM_WRITE: &[&str] = &["/dev/null", "/dev/zero", "/dev/full", "/dev/tty"];

/// The dynamic loaders a program may name (execute rights are checked on them).
const LOADERS: &[&str] = &[
    "/lib64/ld-linux-x86-64.so.2",
    "/lib/ld-linux-aarch64.so.1",
    "/lib/ld-linux-x86-64.so.2",
    "/lib/ld-musl-x86_64.so.1",
    "/lib/ld-musl-aarch64.so.1",
];

/// A built confinement: shared by every child started under the same policy.
pub struct Confinement {
    /// The Landlock ruleset; `None` when nothing is restricted or with no Landlock.
    pub ruleset: Option<OwnedFd>,
    pub bpf: Vec<crate::sys::spawn::confine::Filter>,
    /// A private `/tmp` (mount namespace) for this child.
    pub tmp: bool,
    /// The Landlock rights the child grants itself on its private `/tmp` once
    /// mounted (a rule on the host's `/tmp` would not reach a mount on top of it).
    pub tmp_access: u64,
}

impl std::fmt::Debug for Confinement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Confinement")
            .field("ruleset", &self.ruleset)
            .field("bpf_len", &self.bpf.len())
            .field("tmp", &self.tmp)
            .finish()
    }
}

/// What the kernel cannot enforce of `p` on a kernel with Landlock `abi`.
pub fn gaps(p: &Policy, abi: i32, seccomp: bool) -> Vec<String> {
    let mut out = Vec::new();
    let fs: Vec<&str> = [(&p.run, "--allow-run"), (&p.read, "--allow-read"), (&p.write, "--allow-write")]
        .iter()
        .filter(|(r, _)| !r.is_open())
        .map(|(_, f)| *f)
        .collect();
    if abi < 1 && !fs.is_empty() {
        out.push(format!("{} cannot be enforced for children: Landlock is not available", fs.join(", ")));
    }
    if (1..3).contains(&abi) && !p.write.is_open() {
        out.push(format!("Landlock ABI {abi} cannot restrict truncation (needs ABI 3, Linux 6.2)"));
    }
    if abi < 4 && !p.net.is_open() && !p.net.is_closed() && !ports(&p.net).is_empty() {
        out.push(format!("--allow-net ports cannot be enforced for children: Landlock ABI {abi} has no TCP rules (needs ABI 4, Linux 6.7)"));
    }
    if !seccomp {
        out.push("seccomp filters are not available: the system-call deny list and socket rules are off".into());
    }
    out
}

/// The TCP ports of the net entries; empty when an entry allows every port (the
/// kernel then cannot filter ports at all).
fn ports(net: &Rule) -> Vec<u16> {
    match &net.allow {
        Grant::All => Vec::new(),
        Grant::Some(list) => {
            let ports: Option<Vec<u16>> = list.iter().map(|e| super::rule::split_host_port(e).1).collect();
            ports.unwrap_or_default()
        }
    }
}

/// The directories and files to grant for a path rule: the allowed entries with
/// every denied entry carved out.
pub fn grants(r: &Rule) -> Vec<String> {
    if r.deny_all {
        return Vec::new();
    }
    let allowed = match &r.allow {
        Grant::All => vec!["/".to_string()],
        Grant::Some(l) => l.clone(),
    };
    let mut out = Vec::new();
    for a in allowed {
        carve(&a, &r.deny, &mut out);
    }
    out
}

fn carve(dir: &str, deny: &[String], out: &mut Vec<String>) {
    use super::rule::{Kind, covers};
    if deny.iter().any(|d| covers(Kind::Path, d, dir)) {
        return;
    }
    if !deny.iter().any(|d| covers(Kind::Path, dir, d)) {
        out.push(dir.to_string());
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path().display().to_string();
        carve(&p, deny, out);
    }
}

fn add_path(
    rs: landlock::RulesetCreated,
    path: &str,
    access: BitFlags<AccessFs>,
    abi: ABI,
) -> Result<landlock::RulesetCreated, String> {
    let Ok(fd) = PathFd::new(path) else { return Ok(rs) };
    let is_dir = std::fs::metadata(path).is_ok_and(|m| m.is_dir());
    let access = if is_dir { access } else { access & AccessFs::from_file(abi) };
    if access.is_empty() {
        return Ok(rs);
    }
    rs.add_rule(PathBeneath::new(fd, access)).map_err(|e| format!("Landlock rule for {path}: {e}"))
}

fn ruleset(p: &Policy, abi_num: i32) -> Result<(Option<OwnedFd>, u64), String> {
    if abi_num < 1 {
        return Ok((None, 0));
    }
    let abi = ABI::from(abi_num.min(TESTED_ABI));
    let read = AccessFs::ReadFile | AccessFs::ReadDir;
    let write = AccessFs::from_write(abi) & !AccessFs::IoctlDev;
    let mut fs = BitFlags::<AccessFs>::EMPTY;
    if !p.read.is_open() {
        fs |= read;
    }
    if !p.write.is_open() {
        fs |= write;
    }
    if !p.run.is_open() {
        fs |= AccessFs::Execute;
    }
    let net_ports = ports(&p.net);
    let net = !p.net.is_open() && abi_num >= 4 && (p.net.is_closed() || !net_ports.is_empty());
    let scope = abi_num >= 6;
    if fs.is_empty() && !net && !scope {
        return Ok((None, 0));
    }
    let err = |e: landlock::RulesetError| format!("Landlock: {e}");
    let mut rs = Ruleset::default().set_compatibility(CompatLevel::BestEffort);
    if !fs.is_empty() {
        rs = rs.handle_access(fs).map_err(err)?;
    }
    if net {
        rs = rs.handle_access(AccessNet::BindTcp | AccessNet::ConnectTcp).map_err(err)?;
    }
    if scope {
        rs = rs.scope(Scope::from_all(abi)).map_err(err)?;
    }
    let mut rs = rs.create().map_err(err)?;
    let mut rules: Vec<(String, BitFlags<AccessFs>)> = Vec::new();
    if !p.read.is_open() {
        rules.extend(grants(&p.read).into_iter().map(|g| (g, read)));
        rules.extend(SYSTEM_READ.iter().map(|s| (s.to_string(), read)));
    }
    if !p.write.is_open() {
        rules.extend(grants(&p.write).into_iter().map(|g| (g, write)));
        rules.extend(SYSTEM_WRITE.iter().map(|s| (s.to_string(), write)));
    }
    if !p.run.is_open() {
        let exe = std::env::current_exe().ok().map(|e| e.display().to_string());
        let progs = grants(&p.run).into_iter().chain(exe).chain(LOADERS.iter().map(|s| s.to_string()));
        rules.extend(progs.map(|g| (g, AccessFs::Execute | AccessFs::ReadFile)));
    }
    for (path, access) in rules {
        rs = add_path(rs, &path, access & fs, abi)?;
    }
    if net {
        for port in net_ports {
            rs = rs.add_rule(NetPort::new(port, AccessNet::BindTcp | AccessNet::ConnectTcp)).map_err(err)?;
        }
    }
    Ok((rs.into(), ((read | write) & fs).bits()))
}

/// Builds the confinement for `p`; `Err` names what this kernel cannot enforce,
/// unless `best_effort`, which returns the same text as warnings.
pub fn build(p: &Policy, tmp: bool, best_effort: bool) -> Result<(Confinement, Vec<String>), String> {
    let abi = host::landlock_abi();
    let sc = host::seccomp();
    let gaps = gaps(p, abi, sc);
    if !gaps.is_empty() && !best_effort {
        return Err(format!("{} (run with --sandbox=best-effort to continue anyway)", gaps.join("; ")));
    }
    let net = if p.net.is_open() {
        Net::Open
    } else if p.net.is_closed() {
        Net::Closed
    } else {
        Net::Ports
    };
    let bpf = if sc { seccomp::program(net) } else { Vec::new() };
    let (ruleset, tmp_access) = ruleset(p, abi)?;
    Ok((Confinement { ruleset, bpf, tmp, tmp_access }, gaps))
}

thread_local! {
    /// Confinements already built, by policy: a ruleset serves any number of
    /// children, so the common case (the global policy) builds once.
    static CACHE: RefCell<Vec<(Policy, bool, Arc<Confinement>)>> = const { RefCell::new(Vec::new()) };
}

/// The confinement for `p`, built once per policy (`best_effort` only decides
/// whether gaps are errors; warnings were given at start-up). A private `/tmp` is
/// built each time: the child adds a rule for its own tmpfs to the ruleset.
pub fn cached(p: &Policy, tmp: bool, best_effort: bool) -> Result<Arc<Confinement>, String> {
    if tmp {
        return build(p, tmp, best_effort).map(|(c, _)| Arc::new(c));
    }
    if let Some(c) = CACHE.with(|c| c.borrow().iter().find(|(q, t, _)| q == p && *t == tmp).map(|e| e.2.clone())) {
        return Ok(c);
    }
    let (c, _) = build(p, tmp, best_effort)?;
    let c = Arc::new(c);
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.len() >= 16 {
            cache.remove(0);
        }
        cache.push((p.clone(), tmp, c.clone()));
    });
    Ok(c)
}

/// Drops the built confinements (the REPL's prompt widened the policy).
pub fn forget_cache() {
    CACHE.with(|c| c.borrow_mut().clear());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::perm::rule::Kind;

    #[test]
    fn gaps_name_what_is_missing() {
        let mut p = Policy::closed();
        assert!(gaps(&p, 0, true)[0].contains("Landlock is not available"));
        assert!(gaps(&p, 7, true).is_empty());
        p.net.allow = Grant::Some(vec!["localhost:80".into()]);
        assert!(gaps(&p, 3, true).iter().any(|g| g.contains("needs ABI 4")));
        assert!(gaps(&Policy::open(), 0, true).is_empty());
    }

    #[test]
    fn denied_entries_are_carved_out() {
        let dir = std::env::temp_dir().join(format!("procbox-carve-{}", std::process::id()));
        for d in ["a/x", "a/y", "b"] {
            std::fs::create_dir_all(dir.join(d)).unwrap();
        }
        let s = |p: &str| dir.join(p).display().to_string();
        let mut r = Rule::none(Kind::Path);
        r.allow = Grant::Some(vec![dir.display().to_string()]);
        r.deny = vec![s("a/x")];
        let mut g = grants(&r);
        g.sort();
        assert_eq!(g, vec![s("a/y"), s("b")]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
