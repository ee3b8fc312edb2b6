//! What this kernel can enforce, probed without side effects, and the table
//! `procbox --sandbox-report` prints: each mechanism, whether it is there, and what
//! each flag would use. The probes themselves are system calls, in `crate::sys::task`.

/// The probed mechanisms.
#[derive(Clone, Debug)]
pub struct Support {
    /// Landlock's ABI version; 0 when Landlock is absent or disabled.
    pub landlock: i32,
    pub seccomp: bool,
    /// `max_user_namespaces` (0: none can be made), `None` when unknown.
    pub user_ns: Option<u64>,
    pub pid_ns: bool,
    pub net_ns: bool,
    pub mount_ns: bool,
    /// The cgroup v2 controllers enabled at the root, `None` without cgroup v2.
    pub cgroup2: Option<String>,
    pub pidfd: bool,
    pub subreaper: bool,
}

/// Whether seccomp filter mode exists.
pub use crate::sys::task::has_seccomp as seccomp;
/// Landlock's ABI version; 0 when Landlock is absent or disabled.
pub use crate::sys::task::landlock_abi;

fn read_trim(path: &str) -> Option<String> {
    std::fs::read_to_string(path).ok().map(|s| s.trim().to_string())
}

fn ns(name: &str) -> bool {
    std::path::Path::new("/proc/self/ns").join(name).exists()
}

pub fn probe() -> Support {
    let cgroup2 = ["/sys/fs/cgroup/cgroup.controllers", "/sys/fs/cgroup/unified/cgroup.controllers"]
        .iter()
        .find_map(|p| read_trim(p));
    // A pidfd on our own pid, closed at once: whether the kernel has them.
    let pidfd = crate::sys::process::pidfd_open(std::process::id() as i32).is_some();
    let subreaper = crate::sys::task::has_subreaper();
    Support {
        landlock: landlock_abi(),
        seccomp: seccomp(),
        user_ns: read_trim("/proc/sys/user/max_user_namespaces").and_then(|s| s.parse().ok()),
        pid_ns: ns("pid"),
        net_ns: ns("net"),
        mount_ns: ns("mnt"),
        cgroup2,
        pidfd,
        subreaper,
    }
}

/// What a Landlock ABI version can restrict.
pub fn landlock_rights(abi: i32) -> String {
    if abi < 1 {
        return "not available (needs Linux 5.13+ with landlock in the lsm= list)".into();
    }
    let mut r = vec!["fs read/write/execute"];
    if abi >= 2 {
        r.push("refer");
    }
    if abi >= 3 {
        r.push("truncate");
    }
    if abi >= 4 {
        r.push("TCP bind/connect ports");
    }
    if abi >= 5 {
        r.push("device ioctl");
    }
    if abi >= 6 {
        r.push("signal and abstract-socket scoping");
    }
    if abi >= 7 {
        r.push("audit logging flags");
    }
    format!("ABI {abi}: {}", r.join(", "))
}

fn yes(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// The `--sandbox-report` table.
pub fn report(s: &Support) -> String {
    let mut out = String::new();
    let mut row = |a: &str, b: &str, c: &str| out.push_str(&format!("{}\n", format!("{a:<18} {b:<4} {c}").trim_end()));
    row("mechanism", "here", "detail");
    row("Landlock", yes(s.landlock > 0), &landlock_rights(s.landlock));
    row("seccomp filter", yes(s.seccomp), "system-call deny list, socket families");
    row("no_new_privs", "yes", "no privilege gain through exec (setuid, file caps)");
    let userns = match s.user_ns {
        Some(0) => ("no", "max_user_namespaces is 0".to_string()),
        Some(n) => ("yes", format!("max_user_namespaces {n}")),
        None => ("no", "no /proc/sys/user/max_user_namespaces".to_string()),
    };
    row("user namespaces", userns.0, &userns.1);
    row("PID namespace", yes(s.pid_ns), "");
    row("net namespace", yes(s.net_ns), "");
    row("mount namespace", yes(s.mount_ns), "sandbox.tmp: a private /tmp");
    let cg = match &s.cgroup2 {
        Some(c) if c.is_empty() => ("yes", "no controllers enabled".to_string()),
        Some(c) => ("yes", format!("controllers: {c}")),
        None => ("no", String::new()),
    };
    row("cgroup v2", cg.0, &cg.1);
    row("pidfd", yes(s.pidfd), "");
    row("subreaper", yes(s.subreaper), "");
    out.push('\n');
    let ll = |min: i32, what: &str| {
        if s.landlock >= min { what.to_string() } else { format!("NOT ENFORCED: {what} needs Landlock ABI {min}") }
    };
    let mut row = |a: &str, c: &str| out.push_str(&format!("{a:<18} {c}\n"));
    row("flag", "enforced in children by");
    row("--allow-run", &ll(1, "Landlock execute rights"));
    row("--allow-read", &ll(1, "Landlock read rights"));
    row("--allow-write", &ll(3, "Landlock write and truncate rights"));
    row("--allow-net", &ll(4, "Landlock TCP ports; no net at all: seccomp refuses IP sockets"));
    row("--allow-env", "procbox: the parent builds the child's environment");
    row(
        "any flag",
        &format!("no_new_privs, seccomp deny list{}", if s.landlock >= 6 { ", Landlock scopes" } else { "" }),
    );
    row(
        "sandbox.tmp",
        if s.mount_ns { "mount namespace with a tmpfs on /tmp" } else { "NOT AVAILABLE: no mount namespaces" },
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rights_by_abi() {
        assert!(landlock_rights(0).starts_with("not available"));
        assert!(!landlock_rights(3).contains("TCP"));
        assert!(landlock_rights(4).contains("TCP"));
    }
}
