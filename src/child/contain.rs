//! Containment: what a child asks for ([`Contain`]: its own process group for
//! `killTree`, a lifeline, resource limits, a PID namespace), turned by [`prepare`]
//! into the steps the child takes between clone and exec
//! ([`sys::spawn::contain`](crate::sys::spawn::contain), the mechanism: maps,
//! `setpgid`, `setrlimit`, `PR_SET_PDEATHSIG`), and afterwards which limit explains a
//! death ([`Contain::limit_hit`]) and why the kernel refused a namespace.
//!
//! The policy here: a detached child already leads a session (no group of its own);
//! limits only lower (never above our own hard limit); without root, a PID namespace
//! needs a user namespace in which our ids are root. libc's signal and errno
//! constants are used as data (match arms), no libc function is called.

use crate::sys::errno::Errno;
use crate::sys::spawn::contain::{Rlimit, Steps, hard_limit};
use crate::sys::task;

/// A resource limit: which one, as the script names it, and its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// CPU seconds: SIGXCPU at the limit, SIGKILL one second later.
    Cpu(u64),
    /// Address space in bytes (`RLIMIT_AS`): allocations fail beyond it.
    Memory(u64),
    /// Open descriptors (`RLIMIT_NOFILE`).
    Files(u64),
    /// Largest file the child may write (`RLIMIT_FSIZE`): SIGXFSZ, or EFBIG.
    FileSize(u64),
    /// Processes of the child's user (`RLIMIT_NPROC`; the kernel ignores it for root).
    Procs(u64),
    /// Largest core dump (`RLIMIT_CORE`).
    Core(u64),
}

impl Limit {
    /// The rlimit resource and its (soft, hard) values.
    fn rlimit(self) -> (Rlimit, u64, u64) {
        match self {
            // The hard limit one second above the soft one: the child first gets the
            // catchable SIGXCPU, and SIGKILL only if it goes on.
            Limit::Cpu(s) => (Rlimit::RLIMIT_CPU, s, s.saturating_add(1)),
            Limit::Memory(b) => (Rlimit::RLIMIT_AS, b, b),
            Limit::Files(n) => (Rlimit::RLIMIT_NOFILE, n, n),
            Limit::FileSize(b) => (Rlimit::RLIMIT_FSIZE, b, b),
            Limit::Procs(n) => (Rlimit::RLIMIT_NPROC, n, n),
            Limit::Core(b) => (Rlimit::RLIMIT_CORE, b, b),
        }
    }
}

/// What a child asks for; plain data, part of [`super::Command`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Contain {
    /// Its own process group, so a kill reaches its descendants.
    pub kill_tree: bool,
    /// SIGKILL when procbox dies.
    pub lifeline: bool,
    pub limits: Vec<Limit>,
    /// Pid 1 of a new PID namespace (in a user namespace when unprivileged).
    pub pid_ns: bool,
}

impl Contain {
    /// Which limit explains a death: SIGXCPU or a SIGKILL after the CPU limit is
    /// the CPU limit, SIGXFSZ the file-size limit. `cpu_ms` is the child's CPU time.
    pub fn limit_hit(&self, signal: Option<i32>, cpu_ms: u64) -> Option<&'static str> {
        let cpu = self.limits.iter().find_map(|l| if let Limit::Cpu(s) = l { Some(*s) } else { None });
        match signal? {
            libc::SIGXCPU if cpu.is_some() => Some("cpu"),
            libc::SIGKILL if cpu.is_some_and(|s| cpu_ms >= s * 1000) => Some("cpu"),
            libc::SIGXFSZ if self.limits.iter().any(|l| matches!(l, Limit::FileSize(_))) => Some("fileSize"),
            _ => None,
        }
    }
}

/// Prepares `c` in the parent: what the child's containment steps
/// ([`sys::spawn::contain`](crate::sys::spawn::contain)) read. `detached` children
/// already lead a session.
pub fn prepare(c: &Contain, detached: bool) -> Steps {
    let (parent, uid, gid) = (task::pid(), task::euid(), task::egid());
    Steps {
        group: c.kill_tree && !detached,
        lifeline: c.lifeline,
        parent,
        rlimits: c
            .limits
            .iter()
            .map(|l| {
                let (res, soft, hard) = l.rlimit();
                // Limits only lower: above our own hard limit the kernel would refuse
                // (EPERM without CAP_SYS_RESOURCE), and that hard limit applies anyway.
                let max = hard_limit(res);
                (res, soft.min(max), hard.min(max))
            })
            .collect(),
        pid_ns: c.pid_ns,
        // Not root: the namespace needs a user namespace too, in which our ids are
        // root (the contents of uid_map and gid_map).
        maps: (c.pid_ns && uid != 0).then(|| (format!("0 {uid} 1").into_bytes(), format!("0 {gid} 1").into_bytes())),
    }
}

/// Whether `errno` from a spawn that asked for a PID namespace means the kernel
/// refused the namespace (an exec failure gives ENOENT, EACCES…).
pub fn is_namespace_refusal(errno: Errno) -> bool {
    matches!(errno, Errno::EPERM | Errno::EINVAL | Errno::ENOSPC | Errno::EUSERS)
}

/// Why the kernel refused a namespace, naming the setting to change where one is
/// known to be the cause.
pub fn namespace_refusal(errno: Errno) -> String {
    let sysctl = |path: &str| std::fs::read_to_string(path).ok().map(|s| s.trim().to_string());
    let root = task::euid() == 0;
    let cause = if !root && sysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_userns").as_deref() == Some("1") {
        "AppArmor restricts unprivileged user namespaces (sysctl kernel.apparmor_restrict_unprivileged_userns=1)"
            .to_string()
    } else if !root && sysctl("/proc/sys/kernel/unprivileged_userns_clone").as_deref() == Some("0") {
        "unprivileged user namespaces are disabled (sysctl kernel.unprivileged_userns_clone=0)".to_string()
    } else if sysctl("/proc/sys/user/max_user_namespaces").as_deref() == Some("0") && !root {
        "user namespaces are disabled (sysctl user.max_user_namespaces=0)".to_string()
    } else if sysctl("/proc/sys/user/max_pid_namespaces").as_deref() == Some("0") {
        "PID namespaces are disabled (sysctl user.max_pid_namespaces=0)".to_string()
    } else if matches!(errno, Errno::ENOSPC | Errno::EUSERS) {
        "the namespace limit is reached (user.max_user_namespaces / user.max_pid_namespaces)".to_string()
    } else if root {
        "the process lacks CAP_SYS_ADMIN (a container without it, or a seccomp policy)".to_string()
    } else {
        "the kernel does not allow this user to create user namespaces (a container or seccomp policy)".to_string()
    };
    let name = match errno {
        Errno::EPERM => "EPERM",
        Errno::EINVAL => "EINVAL",
        Errno::ENOSPC => "ENOSPC",
        Errno::EUSERS => "EUSERS",
        _ => "error",
    };
    format!("sandbox.pid: cannot create a PID namespace ({name}): {cause}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_hit_names_what_can_be_known() {
        let c = Contain { limits: vec![Limit::Cpu(1), Limit::FileSize(10)], ..Contain::default() };
        assert_eq!(c.limit_hit(Some(libc::SIGXCPU), 0), Some("cpu"));
        assert_eq!(c.limit_hit(Some(libc::SIGKILL), 1500), Some("cpu"));
        assert_eq!(c.limit_hit(Some(libc::SIGKILL), 10), None);
        assert_eq!(c.limit_hit(Some(libc::SIGXFSZ), 0), Some("fileSize"));
        assert_eq!(c.limit_hit(None, 5000), None);
        assert_eq!(Contain::default().limit_hit(Some(libc::SIGXCPU), 0), None);
    }

    #[test]
    fn prepare_builds_rlimits_and_flags() {
        let c = Contain { kill_tree: true, limits: vec![Limit::Cpu(2)], pid_ns: true, ..Contain::default() };
        let p = prepare(&c, false);
        assert!(p.group);
        assert_eq!((p.rlimits[0].1, p.rlimits[0].2), (2, 3));
        assert!(p.clone_flags().contains(nix::sched::CloneFlags::CLONE_NEWPID));
        assert!(!prepare(&c, true).group, "a detached child already leads a session");
    }
}
